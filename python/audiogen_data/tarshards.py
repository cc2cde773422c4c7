"""Tar shards of a webdataset build read in place: rows as views of the mapped file, labels and index rows.

AudiogenDataset.epoch() on a webdataset build needs random access, which `webdataset_iter` (one pass) does not give:
a tar is uncompressed, so each sample's .npy data sits at a fixed offset found by walking the headers once.
"""

from __future__ import annotations

import functools
import json
import os
from typing import Any, Dict, Iterator, List, NamedTuple, Optional, Tuple

import numpy as np

from .manifest import ManifestError
from .webdataset import npy_layout, parse_key, split_member

__all__ = ['TarIndex', 'scan_tar', 'TarRows', 'load_tar_x', 'load_tar_y', 'tar_index_rows']


class TarIndex(NamedTuple):
    """Where each sample of a tar is: keys in order, .npy data offsets, labels and .json spans."""

    keys: List[str]
    arrays: List[Tuple[int, Tuple[int, ...], np.dtype]]  # (offset of the array's bytes, shape, dtype)
    labels: List[Optional[int]]
    json: List[Optional[Tuple[int, int]]]  # (offset, size)


@functools.lru_cache(maxsize=64)
def _scan(path: str, size: int, mtime_ns: int, inode: int) -> TarIndex:
    import tarfile

    keys: List[str] = []
    arrays: List[Tuple[int, Tuple[int, ...], np.dtype]] = []
    labels: List[Optional[int]] = []
    spans: List[Optional[Tuple[int, int]]] = []
    try:
        with open(path, 'rb') as f, tarfile.open(fileobj=f, mode='r:') as tar:
            for member in tar:
                parts = split_member(member.name) if member.isfile() else None
                if parts is None:
                    continue
                key, ext = parts
                if not keys or keys[-1] != key:
                    keys.append(key)
                    arrays.append((-1, (), np.dtype('u1')))
                    labels.append(None)
                    spans.append(None)
                if member.offset_data + member.size > size:
                    raise ManifestError(f'{path}: {member.name} ends past the end of the file (truncated)')
                where = f.tell()
                if ext == 'npy':
                    f.seek(member.offset_data)
                    try:
                        head = f.read(min(member.size, 128))
                        start, shape, dtype = npy_layout(head, lambda n: head + f.read(min(member.size, n) - len(head)))
                    except ValueError as err:
                        raise ManifestError(f'{path}: {member.name} is not a readable .npy file ({err})') from None
                    arrays[-1] = (member.offset_data + start, shape, dtype)
                    if start + int(np.prod(shape)) * dtype.itemsize != member.size:
                        raise ManifestError(f'{path}: {member.name} holds more or fewer bytes than its header says')
                elif ext == 'cls':
                    f.seek(member.offset_data)
                    text = f.read(member.size)
                    try:
                        labels[-1] = int(text.decode('ascii').strip())
                    except (UnicodeDecodeError, ValueError):
                        raise ManifestError(f'{path}: {member.name} is not an integer label: {text[:40]!r}') from None
                elif ext == 'json':
                    spans[-1] = (member.offset_data, member.size)
                f.seek(where)
            f.seek(tar.offset)
            block = f.read(tarfile.BLOCKSIZE)
            if len(block) != tarfile.BLOCKSIZE or block.strip(b'\0'):
                # tarfile takes a cut-off header for the end: only the end-of-archive block proves it.
                raise ManifestError(f'{path} stops at byte {tar.offset} without its end-of-archive block (truncated)')
    except tarfile.TarError as err:
        raise ManifestError(f'{path} is not a readable tar ({err})') from None
    for key, (offset, _, _) in zip(keys, arrays):
        if offset < 0:
            raise ManifestError(f'{path}: sample {key} has no .npy member')
    return TarIndex(keys, arrays, labels, spans)


def scan_tar(path: str) -> TarIndex:
    """The tar's sample layout (cached while the file keeps its inode, size and modification time: audiogen replaces
    a shard by renaming a new file over it)."""
    st = os.stat(path)
    return _scan(path, st.st_size, st.st_mtime_ns, st.st_ino)


def _checked(path: str, count: int) -> TarIndex:
    index = scan_tar(path)
    if len(index.keys) != count:
        raise ManifestError(f'{path} holds {len(index.keys)} samples, the manifest says {count}')
    parsed = [parse_key(k) for k in index.keys]
    first = parsed[0] if parsed else None
    for i, (key, p) in enumerate(zip(index.keys, parsed)):
        if p is None or first is None or (p['subset'], p['epoch'], p['position']) != (
            first['subset'],
            first['epoch'],
            first['position'] + i,
        ):
            raise ManifestError(f'{path}: sample {i} has key {key!r}, out of shard order')
    return index


class TarRows:
    """The x rows of one tar shard, indexed like an array along axis 0: a row is a read-only view of the mapped
    file; a slice or an index array is a copy of the rows asked for."""

    def __init__(self, path: str, count: int, row_shape: Tuple[int, ...], dtype: np.dtype):
        index = _checked(path, count)
        for key, (_, shape, dt) in zip(index.keys, index.arrays):
            if shape != tuple(row_shape) or dt != dtype:
                raise ManifestError(f'{path}: {key}.npy holds {dt}{list(shape)}, the manifest says {dtype}{list(row_shape)}')
        self.path = path
        self.row_shape = tuple(row_shape)
        self.dtype = np.dtype(dtype)
        self._offsets = np.array([a[0] for a in index.arrays], dtype=np.int64)
        self._nbytes = int(np.prod(self.row_shape)) * self.dtype.itemsize
        self._map: Optional[np.memmap] = None

    def __len__(self) -> int:
        return len(self._offsets)

    @property
    def shape(self) -> Tuple[int, ...]:
        return (len(self),) + self.row_shape

    def _file(self) -> np.memmap:
        if self._map is None:
            self._map = np.memmap(self.path, dtype=np.uint8, mode='r')
        return self._map

    def _one(self, i: int) -> np.ndarray:
        if self._nbytes == 0:
            return np.empty(self.row_shape, dtype=self.dtype)
        start = int(self._offsets[i])
        raw = self._file()[start : start + self._nbytes]
        return np.ndarray(self.row_shape, dtype=self.dtype, buffer=raw)

    def __getitem__(self, key: Any) -> np.ndarray:
        if isinstance(key, (int, np.integer)):
            n = len(self)
            j = int(key) + n if key < 0 else int(key)
            if not 0 <= j < n:
                raise IndexError(f'row {key} out of range for {n} rows')
            return self._one(j)
        picks = np.arange(len(self))[key]
        out = np.empty((len(picks),) + self.row_shape, dtype=self.dtype)
        for k, j in enumerate(picks):
            out[k] = self._one(int(j))
        return out

    def __iter__(self) -> Iterator[np.ndarray]:
        return (self._one(i) for i in range(len(self)))


def load_tar_x(path: str, count: int, row_shape: Tuple[int, ...], dtype: np.dtype) -> TarRows:
    """ShardedArray loader: the x rows of a tar shard."""
    return TarRows(path, count, row_shape, dtype)


def load_tar_y(path: str, count: int, row_shape: Tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """ShardedArray loader: y rows rebuilt from the .cls labels as an npy build stores them (one-hot rows for a
    label shape [classes], the ids otherwise)."""
    index = _checked(path, count)
    missing = [k for k, label in zip(index.keys, index.labels) if label is None]
    if missing:
        raise ManifestError(f'{path}: sample {missing[0]} has no .cls label ({len(missing)} without)')
    ids = np.array(index.labels, dtype=np.int64)
    if len(row_shape) == 1:
        width = int(row_shape[0])
        if ids.size and (ids.min() < 0 or ids.max() >= width):
            raise ManifestError(f'{path}: a label is outside 0..{width - 1}')
        y = np.zeros((count, width), dtype=dtype)
        y[np.arange(count), ids] = 1
    else:
        y = ids.astype(dtype).reshape((count,) + tuple(row_shape))
    y.flags.writeable = False  # read-only like the mapped y of an npy build
    return y


def tar_index_rows(path: str, count: int) -> List[Dict[str, Any]]:
    """The .json index rows of a tar shard in order, each with `position` from its key and `label` from its .cls
    when the row itself lacks them."""
    index = _checked(path, count)
    rows: List[Dict[str, Any]] = []
    with open(path, 'rb') as f:
        for key, span, label in zip(index.keys, index.json, index.labels):
            if span is None:
                raise ManifestError(f'{path}: sample {key} has no .json index row')
            f.seek(span[0])
            try:
                row = json.loads(f.read(span[1]).decode('utf-8'))
            except (UnicodeDecodeError, ValueError) as err:
                raise ManifestError(f'{path}: {key}.json is not JSON ({err})') from None
            if not isinstance(row, dict):
                raise ManifestError(f'{path}: {key}.json is not an object')
            row.setdefault('position', parse_key(key)['position'])  # type: ignore[index]
            if label is not None:
                row.setdefault('label', label)
            rows.append(row)
    return rows
