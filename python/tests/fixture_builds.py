"""The committed fixture builds (fixtures/python, made by scripts/make-python-fixtures.py) and copies to spoil."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable, Dict

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / 'fixtures' / 'python'
NPY = FIXTURES / 'npy'
WDS = FIXTURES / 'webdataset'
UNLABELLED = FIXTURES / 'unlabelled'
SAMPLES = {'training': 5, 'validation': 2}
CLASSES = ['yes', 'no', '_unknown_']


def copy(build: Path) -> Path:
    """A scratch copy of a fixture build (removed with the temp dir at exit by the caller's tearDown)."""
    dst = Path(tempfile.mkdtemp(prefix='audiogen-fixture-')) / build.name
    shutil.copytree(build, dst)
    return dst


def edit_manifest(out: Path, change: Callable[[Dict[str, Any]], None]) -> None:
    path = out / 'manifest.json'
    m = json.loads(path.read_text())
    change(m)
    path.write_text(json.dumps(m))


def first_value(subset: str, epoch: int, position: int) -> float:
    """x[0, 0] of a fixture sample: the fixtures' x values name their sample."""
    return float(list(SAMPLES).index(subset) * 1000 + epoch * 100 + position)
