"""Rows of several shard files seen as one read-only array: .npy shards memory-mapped, tar shards read in place."""

from __future__ import annotations

import numbers
import os
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from .manifest import ManifestError

__all__ = ['ShardedArray', 'load_npy']

#: (path, rows, row shape, dtype) -> the shard's rows: an ndarray, or an object indexed like one along axis 0
#: (int, slice, integer array) that iterates rows and has len. Module-level, so a ShardedArray pickles.
Loader = Callable[[str, int, Tuple[int, ...], np.dtype], Any]


def load_npy(path: str, count: int, row_shape: Tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """An .npy shard memory-mapped, checked against the shape and dtype the manifest gives it."""
    part = np.load(path, mmap_mode='r', allow_pickle=False)
    expected = (count,) + tuple(row_shape)
    if part.shape != expected or part.dtype != dtype:
        raise ManifestError(f'{path} holds {part.dtype}{list(part.shape)}, the manifest says {dtype}{list(expected)}')
    return part


class ShardedArray:
    """Rows of several shard files seen as one read-only array along axis 0, each shard opened on first use.

    Supports len, .shape/.dtype/.ndim, integer, slice, integer-array and boolean indexing (plus a tuple whose
    first item is one of those), iteration and np.asarray. With .npy shards (the default `loader`) a row or a slice
    inside one shard is a zero-copy read-only view of the mapped file; with tar shards a row is such a view and a
    slice a copy; anything spanning shards is a copy of just the rows asked for.
    """

    def __init__(
        self,
        paths: Sequence[str],
        counts: Sequence[int],
        row_shape: Sequence[int],
        dtype: Any,
        loader: Optional[Loader] = None,
    ):
        if len(paths) != len(counts):
            raise ValueError('paths and counts differ in length')
        self._loader: Loader = loader or load_npy
        self._paths = [os.fspath(p) for p in paths]
        self._counts = [int(c) for c in counts]
        self._offsets = np.concatenate([[0], np.cumsum(self._counts, dtype=np.int64)]).astype(np.int64)
        self._parts: List[Any] = [None] * len(self._paths)
        self.row_shape = tuple(int(d) for d in row_shape)
        self.dtype = np.dtype(dtype)
        self.shape = (int(self._offsets[-1]),) + self.row_shape

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def paths(self) -> List[str]:
        return list(self._paths)

    def __len__(self) -> int:
        return self.shape[0]

    def __repr__(self) -> str:
        return f'ShardedArray(shape={self.shape}, dtype={self.dtype}, shards={len(self._paths)})'

    def __getstate__(self) -> Dict[str, Any]:
        # Pickle paths (and the loader), not mapped data: a DataLoader worker maps the files itself.
        state = self.__dict__.copy()
        state['_parts'] = [None] * len(self._paths)
        return state

    def _part(self, k: int) -> Any:
        part = self._parts[k]
        if part is None:
            part = self._loader(self._paths[k], self._counts[k], self.row_shape, self.dtype)
            self._parts[k] = part
        return part

    def _locate(self, idx: np.ndarray) -> np.ndarray:
        return np.searchsorted(self._offsets, idx, side='right') - 1

    def _normalise(self, idx: np.ndarray) -> np.ndarray:
        n = len(self)
        idx = np.where(idx < 0, idx + n, idx)
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            raise IndexError(f'index out of range for {n} rows')
        return idx

    def _gather(self, idx: np.ndarray) -> np.ndarray:
        flat = self._normalise(idx.astype(np.int64).ravel())
        out = np.empty((flat.size,) + self.row_shape, dtype=self.dtype)
        where = self._locate(flat)
        for k in np.unique(where):
            sel = where == k
            out[sel] = self._part(int(k))[flat[sel] - self._offsets[k]]
        return out.reshape(idx.shape + self.row_shape)

    def _row(self, i: int) -> np.ndarray:
        n = len(self)
        j = i + n if i < 0 else i
        if not 0 <= j < n:
            raise IndexError(f'index {i} out of range for {n} rows')
        k = int(self._locate(np.int64(j)))
        return np.asarray(self._part(k)[j - int(self._offsets[k])])

    def _slice(self, s: slice) -> np.ndarray:
        start, stop, step = s.indices(len(self))
        if step != 1:
            return self._gather(np.arange(start, stop, step, dtype=np.int64))
        if stop <= start:
            return np.empty((0,) + self.row_shape, dtype=self.dtype)
        pieces = []
        for k in range(len(self._paths)):
            lo, hi = int(self._offsets[k]), int(self._offsets[k + 1])
            a, b = max(start, lo), min(stop, hi)
            if a < b:
                pieces.append(np.asarray(self._part(k)[a - lo : b - lo]))
        return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, tuple):
            if any(k is Ellipsis or k is None for k in key):
                return np.asarray(self)[key]
            if not key:
                return np.asarray(self)
            head, rest = key[0], key[1:]
            rows = self[head]
            if not rest:
                return rows
            return rows[rest] if isinstance(head, numbers.Integral) else rows[(slice(None),) + rest]
        if isinstance(key, numbers.Integral):
            return self._row(int(key))
        if isinstance(key, slice):
            return self._slice(key)
        arr = np.asarray(key)
        if arr.dtype == np.bool_:
            if arr.shape != (len(self),):
                raise IndexError(f'boolean index of shape {arr.shape} does not match {len(self)} rows')
            return self._gather(np.flatnonzero(arr))
        if arr.dtype.kind in 'iu':
            return self._gather(arr)
        if arr.size == 0:
            return self._gather(arr.astype(np.int64))
        raise TypeError(f'ShardedArray indices must be integers, slices, integer or boolean arrays, not {type(key).__name__}')

    def __iter__(self) -> Iterator[np.ndarray]:
        for k in range(len(self._paths)):
            yield from (np.asarray(row) for row in self._part(k))

    def __array__(self, dtype: Any = None, copy: Optional[bool] = None) -> np.ndarray:
        a = self._slice(slice(None))
        if dtype is not None and np.dtype(dtype) != a.dtype:
            return a.astype(dtype)
        return a.copy() if copy else a
