"""AudiogenDataset: an audiogen output directory (npy or webdataset shards), described by its manifest.json."""

from __future__ import annotations

import csv
import numbers
import os
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from .adapters import make_keras_sequence, make_tf_dataset, make_torch_dataset, owned
from .arrays import ShardedArray
from .follow import follow_epochs, wait_for_manifest
from .iterable import torch_iterable
from .manifest import CLASSES, ManifestError, ManifestNotFound, file_records, output_format, read_manifest, tar_record
from .tarshards import load_tar_x, load_tar_y, tar_index_rows
from .verify import Problem, VerifyError, check_file

__all__ = ['AudiogenDataset']

_INT_COLUMNS = ('position', 'label')
_STR_COLUMNS = ('class', 'file')


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


def _converted(column: str, value: Any) -> Any:
    """A .json index row's value typed as _convert types the CSV's (so both formats give the same rows)."""
    if column in _INT_COLUMNS:
        return int(value)
    if column in _STR_COLUMNS:
        return '' if value is None else str(value)
    if value is None or value == '':
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return _convert(column, value) if isinstance(value, str) else value


class AudiogenDataset:
    """An audiogen output directory, described by its manifest.json.

    `wait`: seconds to wait for manifest.json to appear (a fresh build writes it when its first epoch finishes);
    None fails at once when it is missing.
    """

    def __init__(self, out_dir: Any, wait: Optional[float] = None, poll: float = 0.5):
        self.root = os.path.abspath(os.fspath(out_dir))
        self._manifest = wait_for_manifest(self.root, wait, poll)

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

    @property
    def format(self) -> str:
        """'npy' (x/y/index files per shard) or 'webdataset' (one tar per shard)."""
        return output_format(self._manifest)

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

    def _tar(self, shard: Dict[str, Any]) -> Optional[str]:
        rec = tar_record(shard)
        return None if rec is None else self._path(rec['path'])

    def tars(self, subset: str, e: int) -> List[str]:
        """Paths of the tar shards of one finished epoch of a webdataset build, in order: for webdataset_iter,
        torch_iterable or any WebDataset reader."""
        paths = [self._tar(s) for s in self._shards(subset, e)]
        if any(p is None for p in paths):
            raise ValueError(f'the build in {self.root} is in the npy format: it has no tar shards')
        return paths  # type: ignore[return-value]

    def epoch(self, subset: str, e: int) -> Tuple[ShardedArray, Optional[ShardedArray]]:
        """(x, y) of one finished epoch as lazy views spanning its shards (memory-mapped .npy files, or the tars'
        .npy members read in place); y is None when the build has no labels."""
        shards = self._shards(subset, e)
        counts = [s['count'] for s in shards]
        tars = [self._tar(s) for s in shards]
        label = self.label
        if tars and all(t is not None for t in tars):
            x = ShardedArray(tars, counts, self.sample_shape, self.dtype, loader=load_tar_x)
            y = None if label is None else ShardedArray(tars, counts, label['shape'], label['dtype'], loader=load_tar_y)
            return x, y
        x = ShardedArray([self._path(s['x']['path']) for s in shards], counts, self.sample_shape, self.dtype)
        if label is None:
            return x, None
        y = ShardedArray([self._path(s['y']['path']) for s in shards], counts, label['shape'], label['dtype'])
        return x, y

    def index(self, subset: str, e: int) -> List[Dict[str, Any]]:
        """The index rows of an epoch in position order (the index CSVs, or the tars' .json members): position and
        label as int, class and file as str, augmentation parameters as float (None when empty)."""
        rows: List[Dict[str, Any]] = []
        columns = self._manifest.get('index_columns')
        for s in self._shards(subset, e):
            tar = self._tar(s)
            if tar is not None:
                shard_rows = tar_index_rows(tar, s['count'])
                if shard_rows and shard_rows[0]['position'] != s['start']:
                    raise ManifestError(f'{tar} starts at position {shard_rows[0]["position"]}, expected {s["start"]}')
                rows.extend(self._json_row(tar, r, columns) for r in shard_rows)
                continue
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

    def _json_row(self, tar: str, row: Dict[str, Any], columns: Optional[List[str]]) -> Dict[str, Any]:
        """A tar's .json index row as index() gives a CSV row: the manifest's columns in order, typed the same."""
        if 'label' not in row and row.get('class') in self._manifest['classes']:
            row['label'] = self._manifest['classes'].index(row['class'])  # a row that leaves the id to .cls
        missing = [c for c in _INT_COLUMNS + _STR_COLUMNS if c not in row]
        if missing:
            raise ManifestError(f'{tar}: the index row of position {row.get("position")} lacks {", ".join(missing)}')
        return {c: _converted(c, row.get(c)) for c in (columns or list(row))}

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
        """Class id of every sample of an epoch (from y, or from the index rows when there is no y)."""
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
            xb = owned(x[key], dtype)
            yield xb, (None if y is None else owned(y[key], None))

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
        yield from follow_epochs(self, subset, timeout, poll, start)

    # -- checks ---------------------------------------------------------------------------------------------------

    def verify(self, subsets: Optional[Sequence[str]] = None, raise_on_error: bool = True) -> List[Problem]:
        """Checks every file listed for the finished epochs (x, y and index, or the tar) against its recorded size
        and sha256, and classes.txt against the classes. Returns the problems; raises VerifyError listing them all
        if any and raise_on_error."""
        problems: List[Problem] = []
        checked = 0
        for subset in self.subsets if subsets is None else subsets:
            for ep in self._subset(subset)['epochs']:
                for shard in ep['shards']:
                    for rec in file_records(shard):
                        checked += 1
                        problem = check_file(self._path(rec['path']), rec)
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

    # -- framework adapters (each imports its framework only when called) ---------------------------------------

    def torch_dataset(self, subset: str, e: int, x_dtype: Any = 'float32', target: str = 'ids') -> Any:
        """A torch.utils.data.Dataset of one epoch: items (x, target) as tensors, or x alone without labels.

        target='ids': int64 class id (for CrossEntropyLoss); 'y': the y row as stored."""
        return make_torch_dataset(self.root, subset, e, x_dtype, target)

    def keras_sequence(
        self, subset: str, e: int, batch_size: int, shuffle: bool = False, seed: Optional[int] = None,
        x_dtype: Any = 'float32', **kwargs: Any,
    ) -> Any:
        """A Keras PyDataset (Keras 3) or keras.utils.Sequence of (x, y) batches of one epoch; y as stored (one-hot
        for categorical_crossentropy, ids for sparse_categorical_crossentropy). kwargs go to PyDataset (workers...)."""
        return make_keras_sequence(self.root, subset, e, batch_size, shuffle, seed, x_dtype, kwargs)

    def tf_dataset(
        self, subset: str, e: int, batch_size: Optional[int] = None, shuffle: bool = False,
        seed: Optional[int] = None, x_dtype: Any = None,
    ) -> Any:
        """A tf.data.Dataset (from_generator) of (x, y) samples, or batches if batch_size; x alone without labels."""
        return make_tf_dataset(self, subset, e, batch_size, shuffle, seed, x_dtype)

    def torch_iterable(self, subset: str, e: int, **kwargs: Any) -> Any:
        """torch_iterable over the tar shards of one epoch of a webdataset build (kwargs: shuffle_buffer, seed,
        shuffle_shards, x_dtype, with_meta)."""
        return torch_iterable(self.tars(subset, e), **kwargs)
