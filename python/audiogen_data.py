"""Read an audiogen build (manifest.json + .npy shards) from Python with numpy only.

Usage::

    from audiogen_data import AudiogenDataset
    ds = AudiogenDataset('out/demo')                 # reads out/demo/manifest.json
    print(ds.classes, ds.sample_shape, ds.dtype, ds.num_epochs, ds.class_counts('training'))
    ds.verify()                                      # size + sha256 of every listed file, raises on a bad one
    for e in ds.epochs('training', follow=True):     # epoch numbers; waits for each while a build runs
        for x, y in ds.batches('training', e, batch_size=32, shuffle=True, seed=e):
            ...                                      # x: (32, *sample_shape); y: one-hot or ids, None without labels
    x, y = ds.epoch('validation', 0)                 # lazy memory-mapped views spanning the epoch's shards
    ids = ds.label_ids('validation', 0)              # int64 class ids, whatever the label format
    rows = ds.index('validation', 0)                 # one dict per sample: position, label, class, file, params
    xt, yt = ds.epoch('testing', 0)                  # every subset the build has (ds.subsets): training,
                                                     # validation, testing (a corpus's official test split)

This file has no dependency but numpy: copy it into a project or import it by path. The optional adapters
(torch_dataset, keras_sequence, tf_dataset) import their framework only when called.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import numbers
import os
import time
from typing import Any, Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

__all__ = [
    'AudiogenDataset',
    'ShardedArray',
    'ManifestError',
    'ManifestNotFound',
    'VerifyError',
    'Problem',
    'read_manifest',
    'FORMAT',
    'FORMAT_VERSION',
]

FORMAT = 'audiogen'
#: Newest manifest format_version this reader understands.
FORMAT_VERSION = 1
MANIFEST = 'manifest.json'
CLASSES = 'classes.txt'
_REQUIRED = ('classes', 'class_mode', 'sample_shape', 'dtype', 'label', 'epochs', 'subsets')
_INT_COLUMNS = ('position', 'label')
_STR_COLUMNS = ('class', 'file')


class ManifestError(ValueError):
    """manifest.json is missing, unreadable, not an audiogen manifest, too new, or inconsistent."""


class ManifestNotFound(ManifestError, FileNotFoundError):
    """No manifest.json (yet): not an output directory, or no epoch of a fresh build has finished."""


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


# ---------------------------------------------------------------------------------------------------------------
# manifest


def _check_manifest(m: Any, path: str) -> Dict[str, Any]:
    if not isinstance(m, dict) or m.get('format') != FORMAT:
        got = m.get('format') if isinstance(m, dict) else type(m).__name__
        raise ManifestError(f'{path} is not an audiogen manifest (format: {got!r}, expected {FORMAT!r})')
    version = m.get('format_version')
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ManifestError(f'{path}: format_version {version!r} is not a positive integer')
    if version > FORMAT_VERSION:
        raise ManifestError(
            f'{path} has format_version {version}, newer than the {FORMAT_VERSION} this reader knows: '
            f'use the audiogen_data.py shipped with the audiogen that wrote it (its package\'s python/ folder)'
        )
    missing = [k for k in _REQUIRED if k not in m]
    if missing:
        raise ManifestError(f'{path} lacks {", ".join(missing)}')
    return m


def read_manifest(out_dir: str, attempts: int = 5, pause: float = 0.05) -> Dict[str, Any]:
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
        return _check_manifest(m, path)
    raise ManifestError(f'{path} cannot be read as JSON: {last}')


# ---------------------------------------------------------------------------------------------------------------
# lazy concatenation of memory-mapped shards


class ShardedArray:
    """Rows of several .npy files seen as one read-only array along axis 0, each memory-mapped on first use.

    Supports len, .shape/.dtype/.ndim, integer, slice, integer-array and boolean indexing (plus a tuple whose
    first item is one of those), iteration and np.asarray. A slice inside one shard is a zero-copy read-only view;
    anything spanning shards is a copy of just the rows asked for.
    """

    def __init__(self, paths: Sequence[str], counts: Sequence[int], row_shape: Sequence[int], dtype: Any):
        if len(paths) != len(counts):
            raise ValueError('paths and counts differ in length')
        self._paths = [os.fspath(p) for p in paths]
        self._counts = [int(c) for c in counts]
        self._offsets = np.concatenate([[0], np.cumsum(self._counts, dtype=np.int64)]).astype(np.int64)
        self._parts: List[Optional[np.ndarray]] = [None] * len(self._paths)
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
        # Pickle paths, not mapped data (a DataLoader worker maps the files itself).
        state = self.__dict__.copy()
        state['_parts'] = [None] * len(self._paths)
        return state

    def _part(self, k: int) -> np.ndarray:
        part = self._parts[k]
        if part is None:
            path = self._paths[k]
            part = np.load(path, mmap_mode='r', allow_pickle=False)
            expected = (self._counts[k],) + self.row_shape
            if part.shape != expected or part.dtype != self.dtype:
                raise ManifestError(
                    f'{path} holds {part.dtype}{list(part.shape)}, the manifest says {self.dtype}{list(expected)}'
                )
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


# ---------------------------------------------------------------------------------------------------------------
# the dataset


def _convert(column: str, value: str) -> Any:
    if column in _INT_COLUMNS:
        return int(value)
    if column in _STR_COLUMNS:
        return value
    if value == '':
        return None
    try:
        return float(value)
    except ValueError:
        return value


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


class AudiogenDataset:
    """An audiogen output directory, described by its manifest.json.

    `wait`: seconds to wait for manifest.json to appear (a fresh build writes it when its first epoch finishes);
    None fails at once when it is missing.
    """

    def __init__(self, out_dir: str, wait: Optional[float] = None, poll: float = 0.5):
        self.root = os.path.abspath(os.fspath(out_dir))
        deadline = None if wait is None else time.monotonic() + wait
        while True:
            try:
                self._manifest = read_manifest(self.root)
                break
            except ManifestNotFound:
                if deadline is None:
                    raise
                if time.monotonic() >= deadline:
                    raise TimeoutError(f'no {MANIFEST} appeared in {self.root} within {wait} s') from None
                time.sleep(poll)

    # -- description ----------------------------------------------------------------------------------------------

    @property
    def manifest(self) -> Dict[str, Any]:
        """The parsed manifest.json (as of construction or the last refresh)."""
        return self._manifest

    @property
    def classes(self) -> List[str]:
        return list(self._manifest['classes'])

    @property
    def class_mode(self) -> Optional[str]:
        """categorical, sparse, binary, input or None (the last two: no labels)."""
        return self._manifest['class_mode']

    label_mode = class_mode

    @property
    def label(self) -> Optional[Dict[str, Any]]:
        """Format of y: {'dtype', 'shape'} per sample, or None when there are no labels."""
        return self._manifest['label']

    @property
    def has_labels(self) -> bool:
        return self._manifest['label'] is not None

    @property
    def sample_shape(self) -> Tuple[int, ...]:
        return tuple(self._manifest['sample_shape'])

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(self._manifest['dtype'])

    @property
    def num_epochs(self) -> int:
        """Epochs the build makes in total (finished or not); see finished_epochs() and epochs()."""
        return int(self._manifest['epochs'])

    @property
    def subsets(self) -> List[str]:
        return list(self._manifest['subsets'])

    @property
    def complete(self) -> bool:
        return bool(self._manifest.get('complete'))

    @property
    def frontend(self) -> Optional[Dict[str, Any]]:
        """Frontend settings for a spectrogram build, None for raw audio."""
        return self._manifest.get('frontend')

    @property
    def config(self) -> Dict[str, Any]:
        return self._manifest.get('config', {})

    def _subset(self, subset: str) -> Dict[str, Any]:
        entry = self._manifest['subsets'].get(subset)
        if entry is None:
            have = ', '.join(self._manifest['subsets']) or 'none'
            raise ValueError(f'the build in {self.root} has no {subset!r} subset (subsets: {have})')
        return entry

    def samples(self, subset: str) -> int:
        """Samples per epoch of a subset."""
        return int(self._subset(subset)['samples'])

    def class_counts(self, subset: str) -> Dict[str, int]:
        return dict(self._subset(subset)['class_counts'])

    def finished_epochs(self, subset: str) -> List[int]:
        """Epoch numbers whose shards are all written, in order (as of the last refresh)."""
        return [int(e['epoch']) for e in self._subset(subset)['epochs']]

    def refresh(self) -> 'AudiogenDataset':
        """Re-reads manifest.json (it is replaced after every finished epoch while a build runs)."""
        m = read_manifest(self.root)
        if m.get('config_hash') != self._manifest.get('config_hash'):
            raise ManifestError(f'{self.root} now holds a build of a different config (config_hash changed)')
        self._manifest = m
        return self

    # -- data -----------------------------------------------------------------------------------------------------

    def _path(self, rel: str) -> str:
        parts = rel.replace('\\', '/').split('/')
        if os.path.isabs(rel) or '..' in parts:
            raise ManifestError(f'manifest path {rel!r} points outside {self.root}')
        return os.path.join(self.root, *parts)

    def _shards(self, subset: str, e: int) -> List[Dict[str, Any]]:
        entry = self._subset(subset)
        for attempt in (0, 1):
            for ep in entry['epochs']:
                if ep['epoch'] == e:
                    return self._check_shards(subset, e, ep['shards'])
            if attempt == 0 and not self.complete:
                # The build may have moved on since the manifest was read.
                try:
                    self.refresh()
                except ManifestNotFound:
                    break
                entry = self._subset(subset)
        done = self.finished_epochs(subset)
        raise LookupError(
            f'{subset} epoch {e} is not in the build (finished: {len(done)} of {self.num_epochs}); '
            f'epochs(..., follow=True) waits for epochs being built'
        )

    def _check_shards(self, subset: str, e: int, shards: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
        position = 0
        for s in shards:
            if s['start'] != position:
                raise ManifestError(f'{subset} epoch {e}: shard {s["shard"]} starts at {s["start"]}, expected {position}')
            position += s['count']
        if position != self.samples(subset):
            raise ManifestError(f'{subset} epoch {e}: shards hold {position} samples, expected {self.samples(subset)}')
        return shards

    def epoch(self, subset: str, e: int) -> Tuple[ShardedArray, Optional[ShardedArray]]:
        """(x, y) of one finished epoch as lazy memory-mapped views; y is None when the build has no labels."""
        shards = self._shards(subset, e)
        counts = [s['count'] for s in shards]
        x = ShardedArray([self._path(s['x']['path']) for s in shards], counts, self.sample_shape, self.dtype)
        label = self.label
        if label is None:
            return x, None
        y = ShardedArray([self._path(s['y']['path']) for s in shards], counts, label['shape'], label['dtype'])
        return x, y

    def index(self, subset: str, e: int) -> List[Dict[str, Any]]:
        """The index CSV rows of an epoch in position order: position and label as int, class and file as str,
        augmentation parameters as float (None when empty)."""
        rows: List[Dict[str, Any]] = []
        columns = self._manifest.get('index_columns')
        for s in self._shards(subset, e):
            path = self._path(s['index']['path'])
            with open(path, newline='', encoding='utf-8') as f:
                reader = csv.reader(f)
                header = next(reader, None)
                if header is None or (columns and header != columns):
                    raise ManifestError(f'{path}: header {header} differs from the manifest\'s index_columns {columns}')
                shard_rows = [{c: _convert(c, v) for c, v in zip(header, r)} for r in reader]
            if len(shard_rows) != s['count']:
                raise ManifestError(f'{path} has {len(shard_rows)} rows, the manifest says {s["count"]}')
            rows.extend(shard_rows)
        return rows

    def ids_of(self, y: Any) -> np.ndarray:
        """Class ids (int64) from y rows in this build's label format (one-hot rows or ids)."""
        y = np.asarray(y)
        label = self.label
        if label is None:
            raise ValueError('this build has no labels (class_mode input/null)')
        if len(label['shape']) == 1:
            return np.argmax(y, axis=-1).astype(np.int64)
        return y.astype(np.int64)

    def label_ids(self, subset: str, e: int) -> np.ndarray:
        """Class id of every sample of an epoch (from y, or from the index CSV when there is no y)."""
        _, y = self.epoch(subset, e)
        if y is None:
            return np.array([r['label'] for r in self.index(subset, e)], dtype=np.int64)
        return self.ids_of(y)

    def batches(
        self,
        subset: str,
        e: int,
        batch_size: int,
        shuffle: bool = False,
        seed: Optional[int] = None,
        drop_last: bool = False,
        dtype: Any = None,
    ) -> Iterator[Tuple[np.ndarray, Optional[np.ndarray]]]:
        """Yields (x, y) numpy batches (owned, writable copies; x cast to `dtype` if given; y None without labels).

        The build already shuffles each epoch; shuffle=True draws another permutation from `seed`."""
        if not isinstance(batch_size, numbers.Integral) or batch_size < 1:
            raise ValueError(f'batch_size must be a positive integer, got {batch_size!r}')
        x, y = self.epoch(subset, e)
        n = len(x)
        order = np.random.default_rng(seed).permutation(n) if shuffle else None
        for start in range(0, n, batch_size):
            stop = min(start + batch_size, n)
            if drop_last and stop - start < batch_size:
                break
            key: Any = slice(start, stop) if order is None else order[start:stop]
            xb = _owned(x[key], dtype)
            yield xb, (None if y is None else _owned(y[key], None))

    def epochs(
        self,
        subset: str,
        follow: bool = False,
        timeout: Optional[float] = None,
        poll: float = 0.5,
        start: int = 0,
    ) -> Iterator[int]:
        """Yields epoch numbers in order, from `start`.

        follow=False: the epochs finished as of the last manifest read. follow=True: re-reads manifest.json every
        `poll` seconds and yields each epoch once it is finished, ending after the last of num_epochs; raises
        TimeoutError after `timeout` seconds without a new epoch (time spent in the caller's loop body does not
        count)."""
        if not follow:
            for n in self.finished_epochs(subset):
                if n >= start:
                    yield n
            return
        self._subset(subset)
        e = start
        waiting_since = time.monotonic()
        while e < self.num_epochs:
            if e in self.finished_epochs(subset):
                yield e
                e += 1
                waiting_since = time.monotonic()
                continue
            if self.complete:
                raise ManifestError(f'the build is complete but lists no {subset} epoch {e} of {self.num_epochs}')
            waited = time.monotonic() - waiting_since
            if timeout is not None and waited >= timeout:
                raise TimeoutError(
                    f'no new {subset} epoch in {timeout} s: waiting for epoch {e} of {self.num_epochs} in {self.root} '
                    f'(is the build still running?)'
                )
            time.sleep(poll if timeout is None else max(0.0, min(poll, timeout - waited)))
            try:
                self.refresh()
            except ManifestNotFound:
                pass  # removed by a rebuild starting over: wait for the new one

    # -- checks ---------------------------------------------------------------------------------------------------

    def verify(self, subsets: Optional[Sequence[str]] = None, raise_on_error: bool = True) -> List[Problem]:
        """Checks every file listed for the finished epochs (x, y, index) against its recorded size and sha256,
        and classes.txt against the classes. Returns the problems; raises VerifyError listing them all if any and
        raise_on_error."""
        problems: List[Problem] = []
        checked = 0
        for subset in self.subsets if subsets is None else subsets:
            for ep in self._subset(subset)['epochs']:
                for shard in ep['shards']:
                    for rec in (shard['x'], shard.get('y'), shard['index']):
                        if rec is None:
                            continue
                        checked += 1
                        problem = self._verify_file(rec)
                        if problem:
                            problems.append(Problem(rec['path'], problem))
        checked += 1
        try:
            with open(os.path.join(self.root, CLASSES), encoding='utf-8') as f:
                listed = f.read().splitlines()
            if listed != self.classes:
                problems.append(Problem(CLASSES, f'lists {listed}, the manifest has {self.classes}'))
        except FileNotFoundError:
            problems.append(Problem(CLASSES, 'missing'))
        if problems and raise_on_error:
            raise VerifyError(problems, checked)
        return problems

    def _verify_file(self, rec: Dict[str, Any]) -> Optional[str]:
        path = self._path(rec['path'])
        try:
            size = os.path.getsize(path)
        except FileNotFoundError:
            return 'missing'
        if size != rec['bytes']:
            return f'size {size} bytes, the manifest says {rec["bytes"]} (truncated or overwritten)'
        digest = _sha256(path)
        if digest != rec['sha256']:
            return f'sha256 {digest[:16]}... differs from the manifest\'s {rec["sha256"][:16]}... (contents changed)'
        return None

    # -- framework adapters (each imports its framework only when called) ---------------------------------------

    def torch_dataset(self, subset: str, e: int, x_dtype: Any = 'float32', target: str = 'ids') -> Any:
        """A torch.utils.data.Dataset of one epoch: items (x, target) as tensors, or x alone without labels.

        target='ids': int64 class id (for CrossEntropyLoss); 'y': the y row as stored."""
        return _make_torch_dataset(self.root, subset, e, x_dtype, target)

    def keras_sequence(
        self, subset: str, e: int, batch_size: int, shuffle: bool = False, seed: Optional[int] = None,
        x_dtype: Any = 'float32', **kwargs: Any,
    ) -> Any:
        """A Keras PyDataset (Keras 3) or keras.utils.Sequence of (x, y) batches of one epoch; y as stored (one-hot
        for categorical_crossentropy, ids for sparse_categorical_crossentropy). kwargs go to PyDataset (workers...)."""
        return _make_keras_sequence(self.root, subset, e, batch_size, shuffle, seed, x_dtype, kwargs)

    def tf_dataset(
        self, subset: str, e: int, batch_size: Optional[int] = None, shuffle: bool = False,
        seed: Optional[int] = None, x_dtype: Any = None,
    ) -> Any:
        """A tf.data.Dataset (from_generator) of (x, y) samples, or batches if batch_size; x alone without labels."""
        import tensorflow as tf

        x, y = self.epoch(subset, e)
        xdt = np.dtype(x_dtype or self.dtype)
        lead: Tuple[Optional[int], ...] = (None,) if batch_size else ()
        x_spec = tf.TensorSpec(shape=lead + self.sample_shape, dtype=tf.as_dtype(xdt))
        y_spec = None if y is None else tf.TensorSpec(shape=lead + y.row_shape, dtype=tf.as_dtype(y.dtype))

        def generate() -> Iterator[Any]:
            if batch_size:
                for xb, yb in self.batches(subset, e, batch_size, shuffle=shuffle, seed=seed, dtype=xdt):
                    yield xb if yb is None else (xb, yb)
                return
            order = np.random.default_rng(seed).permutation(len(x)) if shuffle else range(len(x))
            for i in order:
                xi = np.asarray(x[int(i)], dtype=xdt)
                yield xi if y is None else (xi, np.asarray(y[int(i)]))

        signature = x_spec if y_spec is None else (x_spec, y_spec)
        return tf.data.Dataset.from_generator(generate, output_signature=signature)


def _owned(a: np.ndarray, dtype: Any) -> np.ndarray:
    if dtype is not None and np.dtype(dtype) != a.dtype:
        return a.astype(dtype)
    return a if a.flags.writeable else a.copy()  # read-only means a view of a mapped shard


def _make_torch_dataset(root: str, subset: str, e: int, x_dtype: Any, target: str) -> Any:
    import torch
    from torch.utils.data import Dataset

    if target not in ('ids', 'y'):
        raise ValueError(f"target must be 'ids' or 'y', got {target!r}")
    ds = AudiogenDataset(root)
    x, y = ds.epoch(subset, e)
    ids = ds.label_ids(subset, e) if y is not None and target == 'ids' else None
    xdt = np.dtype(x_dtype or ds.dtype)

    class AudiogenTorchDataset(Dataset):
        def __len__(self) -> int:
            return len(x)

        def __getitem__(self, i: int) -> Any:
            xi = torch.from_numpy(np.array(x[int(i)], dtype=xdt))  # a copy: torch wants writable memory
            if y is None:
                return xi
            if ids is not None:
                return xi, torch.tensor(int(ids[int(i)]), dtype=torch.int64)
            return xi, torch.from_numpy(np.array(y[int(i)]))

        def __reduce__(self) -> Any:
            # Rebuilt from the paths in each DataLoader worker, whatever the start method.
            return _make_torch_dataset, (root, subset, e, x_dtype, target)

    return AudiogenTorchDataset()


def _make_keras_sequence(
    root: str, subset: str, e: int, batch_size: int, shuffle: bool, seed: Optional[int], x_dtype: Any,
    kwargs: Dict[str, Any],
) -> Any:
    try:
        import keras

        base = keras.utils.PyDataset  # Keras 3
    except (ImportError, AttributeError):
        from tensorflow import keras  # type: ignore[no-redef]

        base = getattr(keras.utils, 'PyDataset', None) or keras.utils.Sequence
    ds = AudiogenDataset(root)
    x, y = ds.epoch(subset, e)
    xdt = np.dtype(x_dtype or ds.dtype)
    n = len(x)

    class AudiogenKerasSequence(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            super().__init__(**kwargs)
            self._round = 0
            self._order = self._draw()

        def _draw(self) -> Optional[np.ndarray]:
            if not shuffle:
                return None
            s = None if seed is None else seed + self._round
            return np.random.default_rng(s).permutation(n)

        def __len__(self) -> int:
            return math.ceil(n / batch_size)

        def __getitem__(self, i: int) -> Any:
            if not 0 <= i < len(self):
                raise IndexError(f'batch {i} out of range for {len(self)} batches')
            lo, hi = i * batch_size, min((i + 1) * batch_size, n)
            key: Any = slice(lo, hi) if self._order is None else self._order[lo:hi]
            xb = _owned(x[key], xdt)
            return xb if y is None else (xb, _owned(y[key], None))

        def on_epoch_end(self) -> None:
            self._round += 1
            self._order = self._draw()

        def __reduce__(self) -> Any:
            return _make_keras_sequence, (root, subset, e, batch_size, shuffle, seed, x_dtype, kwargs)

    return AudiogenKerasSequence()


if __name__ == '__main__':  # python3 audiogen_data.py OUT: describe and verify a build
    import sys

    if len(sys.argv) != 2:
        sys.exit('usage: python3 audiogen_data.py OUT_DIR')
    try:
        d = AudiogenDataset(sys.argv[1])
        state = 'complete' if d.complete else 'in progress'
        print(f'{d.root}: {d.class_mode} {d.dtype}{list(d.sample_shape)}, {len(d.classes)} classes, {state}')
        for name in d.subsets:
            print(f'  {name}: {d.samples(name)} samples, epochs {len(d.finished_epochs(name))}/{d.num_epochs}')
        d.verify()
        print('all listed files match the manifest')
    except (ManifestError, VerifyError) as err:
        sys.exit(f'error: {err}')
