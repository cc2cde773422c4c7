"""Follow mode: waiting for a build's manifest, and yielding epochs as a running build finishes them."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Dict, Iterator, Optional

from .manifest import MANIFEST, ManifestError, ManifestNotFound, read_manifest

if TYPE_CHECKING:
    from .dataset import AudiogenDataset

__all__ = ['wait_for_manifest', 'follow_epochs']


def wait_for_manifest(root: str, wait: Optional[float], poll: float) -> Dict[str, Any]:
    """The manifest of `root`; with `wait` seconds, waits that long for a fresh build to write it."""
    deadline = None if wait is None else time.monotonic() + wait
    while True:
        try:
            return read_manifest(root)
        except ManifestNotFound:
            if deadline is None:
                raise
            if time.monotonic() >= deadline:
                raise TimeoutError(f'no {MANIFEST} appeared in {root} within {wait} s') from None
            time.sleep(poll)


def follow_epochs(
    ds: 'AudiogenDataset', subset: str, timeout: Optional[float], poll: float, start: int
) -> Iterator[int]:
    """Epoch numbers of `subset` from `start`, each once the build has finished it, re-reading the manifest every
    `poll` seconds; ends after the last of num_epochs. TimeoutError after `timeout` seconds without a new epoch
    (time spent in the caller's loop body does not count)."""
    ds.samples(subset)  # a missing subset fails now, not after the first wait
    e = start
    waiting_since = time.monotonic()
    while e < ds.num_epochs:
        if e in ds.finished_epochs(subset):
            yield e
            e += 1
            waiting_since = time.monotonic()
            continue
        if ds.complete:
            raise ManifestError(f'the build is complete but lists no {subset} epoch {e} of {ds.num_epochs}')
        waited = time.monotonic() - waiting_since
        if timeout is not None and waited >= timeout:
            raise TimeoutError(
                f'no new {subset} epoch in {timeout} s: waiting for epoch {e} of {ds.num_epochs} in {ds.root} '
                f'(is the build still running?)'
            )
        time.sleep(poll if timeout is None else max(0.0, min(poll, timeout - waited)))
        try:
            ds.refresh()
        except ManifestNotFound:
            pass  # removed by a rebuild starting over: wait for the new one
