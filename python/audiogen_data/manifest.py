"""manifest.json: reading it (retrying a file caught mid-replacement), checking it, and what a shard entry lists."""

from __future__ import annotations

import json
import os
import time
from typing import Any, Dict, List, Optional

__all__ = [
    'FORMAT',
    'FORMAT_VERSION',
    'MANIFEST',
    'CLASSES',
    'ManifestError',
    'ManifestNotFound',
    'read_manifest',
    'check_manifest',
    'file_records',
    'tar_record',
    'output_format',
]

FORMAT = 'audiogen'
#: Newest manifest format_version this reader understands.
FORMAT_VERSION = 1
MANIFEST = 'manifest.json'
CLASSES = 'classes.txt'
_REQUIRED = ('classes', 'class_mode', 'sample_shape', 'dtype', 'label', 'epochs', 'subsets')


class ManifestError(ValueError):
    """manifest.json is missing, unreadable, not an audiogen manifest, too new, or inconsistent."""


class ManifestNotFound(ManifestError, FileNotFoundError):
    """No manifest.json (yet): not an output directory, or no epoch of a fresh build has finished."""


def check_manifest(m: Any, path: str) -> Dict[str, Any]:
    """Returns m if it is an audiogen manifest this reader understands; raises ManifestError naming `path` if not."""
    if not isinstance(m, dict) or m.get('format') != FORMAT:
        got = m.get('format') if isinstance(m, dict) else type(m).__name__
        raise ManifestError(f'{path} is not an audiogen manifest (format: {got!r}, expected {FORMAT!r})')
    version = m.get('format_version')
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ManifestError(f'{path}: format_version {version!r} is not a positive integer')
    if version > FORMAT_VERSION:
        raise ManifestError(
            f'{path} has format_version {version}, newer than the {FORMAT_VERSION} this reader knows: '
            f'install the audiogen_data package shipped with the audiogen that wrote it (its python/ folder, or '
            f'dist/python/*.whl)'
        )
    missing = [k for k in _REQUIRED if k not in m]
    if missing:
        raise ManifestError(f'{path} lacks {", ".join(missing)}')
    return m


def read_manifest(out_dir: Any, attempts: int = 5, pause: float = 0.05) -> Dict[str, Any]:
    """Reads and checks OUT/manifest.json; retries briefly if it is caught mid-replacement."""
    path = os.path.join(os.fspath(out_dir), MANIFEST)
    last: Exception = ValueError('no attempt made')
    for attempt in range(attempts):
        if attempt:
            time.sleep(pause)
        try:
            with open(path, 'rb') as f:
                text = f.read()
        except FileNotFoundError:
            raise ManifestNotFound(
                f'{path} does not exist: not an audiogen output directory, or no epoch of the build has finished yet'
            ) from None
        except PermissionError as err:  # Windows, while the file is being replaced
            last = err
            continue
        try:
            m = json.loads(text.decode('utf-8'))
        except ValueError as err:  # a writer that does not rename atomically can show a partial file
            last = err
            continue
        return check_manifest(m, path)
    raise ManifestError(f'{path} cannot be read as JSON: {last}')


def _is_file_record(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get('path'), str) and 'sha256' in value and 'bytes' in value


def file_records(shard: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Every file a shard entry lists (x, y, index of an npy build; the tar of a webdataset build), in entry order."""
    return [v for v in shard.values() if _is_file_record(v)]


def tar_record(shard: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The shard's tar file (a webdataset build), or None (an npy build)."""
    rec = shard.get('tar')
    if _is_file_record(rec):
        return rec
    # Found by its extension too, so the reader does not hang on the key's name.
    return next((r for r in file_records(shard) if r['path'].endswith('.tar')), None)


def output_format(m: Dict[str, Any]) -> str:
    """'webdataset' or 'npy': what the shards of this build are (the first listed shard decides, else the config)."""
    for entry in m.get('subsets', {}).values():
        for ep in entry.get('epochs', []):
            for shard in ep.get('shards', []):
                return 'webdataset' if tar_record(shard) is not None else 'npy'
    output = m.get('config', {}).get('output', {}) if isinstance(m.get('config'), dict) else {}
    return 'webdataset' if isinstance(output, dict) and output.get('format') == 'webdataset' else 'npy'
