#!/usr/bin/env python3
"""Train a small Keras classifier on an audiogen build: one fit() pass per baked training epoch.

    python3 examples/train_keras.py OUT [--epochs-to-use N] [--hidden 64] [--lr 0.001] [--seed 0] [--follow]

The same model as train_numpy.py (flatten, per-feature standardisation from training epoch 0, one ReLU hidden
layer, softmax), fed by the reader's keras_sequence() (a Keras 3 PyDataset, or a tf.keras Sequence).
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

import numpy as np

try:
    import keras
except ImportError:  # Keras 2 inside TensorFlow
    from tensorflow import keras

try:
    import audiogen_data
except ImportError:
    sys.exit(
        'error: the audiogen_data package is not installed: pip install ./python (from the audiogen checkout), or '
        'with no package index pip install --no-index dist/python/audiogen_data-*.whl (written by npm run build)'
    )

from audiogen_data import AudiogenDataset


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('out', help='audiogen output directory (holds manifest.json)')
    p.add_argument('--epochs-to-use', type=int, default=None, help='baked training epochs to train on (default: all)')
    p.add_argument('--hidden', type=int, default=64, help='hidden units; 0 for softmax regression (default 64)')
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--batch-size', type=int, default=32)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--follow', action='store_true', help='train on epochs as a running build finishes them')
    p.add_argument('--timeout', type=float, default=600, help='with --follow: seconds to wait for an epoch')
    return p.parse_args(argv)


def statistics(ds: AudiogenDataset, batch_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-feature mean and variance over training epoch 0."""
    total = total_sq = None
    n = 0
    for xb, _ in ds.batches('training', 0, batch_size, dtype=np.float64):
        f = xb.reshape(len(xb), -1)
        total = f.sum(0) if total is None else total + f.sum(0)
        total_sq = (f * f).sum(0) if total_sq is None else total_sq + (f * f).sum(0)
        n += len(f)
    mean = total / n
    var = np.maximum(total_sq / n - mean * mean, 0.0)
    var[var < 1e-12] = 1.0  # constant features stay at 0
    return mean.astype(np.float32), var.astype(np.float32)


def fail(message: str) -> int:
    print(f'error: {message}', file=sys.stderr)
    return 2


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    try:
        ds = AudiogenDataset(args.out, wait=args.timeout if args.follow else None)
    except (audiogen_data.ManifestError, TimeoutError) as err:
        return fail(str(err))
    if not ds.has_labels:
        return fail(f'the build in {ds.root} has no labels (class_mode {ds.class_mode}): nothing to train on')
    for needed in ('training', 'validation'):
        if needed not in ds.subsets:
            return fail(f'the build in {ds.root} has no {needed} subset: set generator.validation_split > 0 and build again')
    use = ds.num_epochs if args.epochs_to_use is None else max(1, min(args.epochs_to_use, ds.num_epochs))
    classes = len(ds.classes)
    counts = ds.class_counts('validation')
    chance = max(counts.values()) / max(1, sum(counts.values()))

    if next(ds.epochs('training', follow=args.follow, timeout=args.timeout), None) != 0:
        return fail(f'training epoch 0 of {ds.root} is not finished yet (use --follow to wait for it)')
    mean, var = statistics(ds, args.batch_size)
    layers = [
        keras.Input(shape=ds.sample_shape),
        keras.layers.Flatten(),
        keras.layers.Normalization(mean=mean, variance=var),
    ]
    if args.hidden > 0:
        layers.append(keras.layers.Dense(args.hidden, activation='relu'))
    layers.append(keras.layers.Dense(classes, activation='softmax'))
    model = keras.Sequential(layers)
    # y is one-hot for categorical builds, class ids for sparse and binary ones.
    loss = 'categorical_crossentropy' if ds.class_mode == 'categorical' else 'sparse_categorical_crossentropy'
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=args.lr), loss=loss, metrics=['accuracy'])

    val = None
    acc: Optional[float] = None
    for e in ds.epochs('training', follow=args.follow, timeout=args.timeout):
        train = ds.keras_sequence('training', e, args.batch_size, shuffle=True, seed=args.seed * 1_000_003 + e)
        history = model.fit(train, epochs=1, verbose=0)
        # Validation is baked after training: while following, it may not be there yet.
        if val is None and 0 in ds.refresh().finished_epochs('validation'):
            val = ds.keras_sequence('validation', 0, 256)
        acc = None if val is None else float(model.evaluate(val, verbose=0)[1])
        shown = 'not baked yet' if acc is None else f'{acc:.3f}'
        print(f'epoch {e + 1}/{use}: training loss {history.history["loss"][-1]:.3f}, validation accuracy {shown}',
              flush=True)
        if e + 1 >= use:
            break
    if acc is None:
        if not args.follow and 0 not in ds.refresh().finished_epochs('validation'):
            return fail(f'validation epoch 0 of {ds.root} is not finished yet (use --follow to wait for it)')
        next(ds.epochs('validation', follow=True, timeout=args.timeout))
        acc = float(model.evaluate(ds.keras_sequence('validation', 0, 256), verbose=0)[1])
    print(f'final validation accuracy: {acc:.2f} (chance {chance:.2f}, {classes} classes)')
    if 'testing' in ds.subsets:
        # The corpus's official test split, when the build has one: the figure to report.
        if 0 not in ds.refresh().finished_epochs('testing'):
            if not args.follow:
                return fail(f'testing epoch 0 of {ds.root} is not finished yet (use --follow to wait for it)')
            next(ds.epochs('testing', follow=True, timeout=args.timeout))
        test = float(model.evaluate(ds.keras_sequence('testing', 0, 256), verbose=0)[1])
        print(f'testing accuracy: {test:.2f} ({ds.samples("testing")} samples of testing epoch 0)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
