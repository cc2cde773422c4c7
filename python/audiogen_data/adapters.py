"""Framework adapters: a torch Dataset, a Keras PyDataset/Sequence and a tf.data.Dataset of one epoch. Each imports
its framework only when called, and rebuilds itself from the output directory when pickled (DataLoader workers)."""

from __future__ import annotations

import math
from typing import Any, Dict, Iterator, Optional, Tuple

import numpy as np

__all__ = ['owned', 'make_torch_dataset', 'make_keras_sequence', 'make_tf_dataset']


def _dataset(root: str) -> Any:
    from .dataset import AudiogenDataset  # here: dataset.py imports this module

    return AudiogenDataset(root)


def owned(a: np.ndarray, dtype: Any) -> np.ndarray:
    """`a` as an array the caller may keep and write (cast to `dtype` if given)."""
    if dtype is not None and np.dtype(dtype) != a.dtype:
        return a.astype(dtype)
    return a if a.flags.writeable else a.copy()  # read-only means a view of a mapped shard


def make_torch_dataset(root: str, subset: str, e: int, x_dtype: Any, target: str) -> Any:
    """AudiogenDataset.torch_dataset."""
    import torch
    from torch.utils.data import Dataset

    if target not in ('ids', 'y'):
        raise ValueError(f"target must be 'ids' or 'y', got {target!r}")
    ds = _dataset(root)
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
            return make_torch_dataset, (root, subset, e, x_dtype, target)

    return AudiogenTorchDataset()


def make_keras_sequence(
    root: str, subset: str, e: int, batch_size: int, shuffle: bool, seed: Optional[int], x_dtype: Any,
    kwargs: Dict[str, Any],
) -> Any:
    """AudiogenDataset.keras_sequence."""
    try:
        import keras

        base = keras.utils.PyDataset  # Keras 3
    except (ImportError, AttributeError):
        from tensorflow import keras  # type: ignore[no-redef]

        base = getattr(keras.utils, 'PyDataset', None) or keras.utils.Sequence
    ds = _dataset(root)
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
            xb = owned(x[key], xdt)
            return xb if y is None else (xb, owned(y[key], None))

        def on_epoch_end(self) -> None:
            self._round += 1
            self._order = self._draw()

        def __reduce__(self) -> Any:
            return make_keras_sequence, (root, subset, e, batch_size, shuffle, seed, x_dtype, kwargs)

    return AudiogenKerasSequence()


def make_tf_dataset(
    ds: Any, subset: str, e: int, batch_size: Optional[int], shuffle: bool, seed: Optional[int], x_dtype: Any
) -> Any:
    """AudiogenDataset.tf_dataset."""
    import tensorflow as tf

    x, y = ds.epoch(subset, e)
    xdt = np.dtype(x_dtype or ds.dtype)
    lead: Tuple[Optional[int], ...] = (None,) if batch_size else ()
    x_spec = tf.TensorSpec(shape=lead + ds.sample_shape, dtype=tf.as_dtype(xdt))
    y_spec = None if y is None else tf.TensorSpec(shape=lead + y.row_shape, dtype=tf.as_dtype(y.dtype))

    def generate() -> Iterator[Any]:
        if batch_size:
            for xb, yb in ds.batches(subset, e, batch_size, shuffle=shuffle, seed=seed, dtype=xdt):
                yield xb if yb is None else (xb, yb)
            return
        order = np.random.default_rng(seed).permutation(len(x)) if shuffle else range(len(x))
        for i in order:
            xi = np.asarray(x[int(i)], dtype=xdt)
            yield xi if y is None else (xi, np.asarray(y[int(i)]))

    signature = x_spec if y_spec is None else (x_spec, y_spec)
    return tf.data.Dataset.from_generator(generate, output_signature=signature)
