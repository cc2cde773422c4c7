"""Checking listed files against the sizes and sha256 digests the manifest records."""

from __future__ import annotations

import hashlib
import os
from typing import Any, Dict, NamedTuple, Optional, Sequence

__all__ = ['Problem', 'VerifyError', 'sha256_file', 'check_file']


class Problem(NamedTuple):
    """One file that fails verification."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f'{self.path}: {self.reason}'


class VerifyError(Exception):
    """Some listed files do not match the manifest; `problems` lists each one."""

    def __init__(self, problems: Sequence[Problem], checked: int):
        self.problems = list(problems)
        lines = '\n'.join(f'  {p}' for p in self.problems)
        super().__init__(f'{len(self.problems)} of {checked} files do not match manifest.json:\n{lines}')


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def check_file(path: str, rec: Dict[str, Any]) -> Optional[str]:
    """Why the file at `path` does not match its record ({bytes, sha256}), or None when it does."""
    try:
        size = os.path.getsize(path)
    except FileNotFoundError:
        return 'missing'
    if size != rec['bytes']:
        return f'size {size} bytes, the manifest says {rec["bytes"]} (truncated or overwritten)'
    digest = sha256_file(path)
    if digest != rec['sha256']:
        return f'sha256 {digest[:16]}... differs from the manifest\'s {rec["sha256"][:16]}... (contents changed)'
    return None
