#!/usr/bin/env python3
"""Train a small classifier in plain numpy on an audiogen build: one pass per baked training epoch.

    python3 examples/train_numpy.py OUT [--epochs-to-use N] [--hidden 64] [--lr 0.001] [--seed 0] [--follow]

Each baked training epoch holds its own augmentation draws, so every pass sees new versions of the clips. Features
are the samples flattened and standardised per feature (mean and std of training epoch 0); the model is a
one-hidden-layer MLP (ReLU, softmax, Adam), or softmax regression with --hidden 0. Validation accuracy is measured
on validation epoch 0 after each pass; when the build has a testing subset (a corpus's official test split), the
trained model's accuracy on testing epoch 0 is printed last: that is the figure to report. Spectrogram builds are
the real demo; raw audio trains (poorly) too.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Dict, List, NamedTuple, Optional, Tuple

import numpy as np

if TYPE_CHECKING:
    from audiogen_data import AudiogenDataset


def reader():
    """The audiogen_data package, imported when it is first needed (train(), stream_eval.py, train_stream.py), so
    that importing this file for its model alone needs nothing but numpy; exits with the install line without it."""
    try:
        import audiogen_data
    except ImportError:
        sys.exit(
            'error: the audiogen_data package is not installed: pip install ./python (from the audiogen checkout), or '
            'with no package index pip install --no-index dist/python/audiogen_data-*.whl (written by npm run build)'
        )
    return audiogen_data


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('out', help='audiogen output directory (holds manifest.json)')
    p.add_argument('--epochs-to-use', type=int, default=None, help='baked training epochs to train on (default: all)')
    p.add_argument('--passes', type=int, default=1, help='passes over each baked epoch (default 1)')
    p.add_argument('--hidden', type=int, default=64, help='hidden units; 0 for softmax regression (default 64)')
    p.add_argument('--lr', type=float, default=1e-3, help='Adam learning rate (default 0.001)')
    p.add_argument('--weight-decay', type=float, default=1e-4, help='L2 penalty (default 1e-4)')
    p.add_argument('--batch-size', type=int, default=32)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--follow', action='store_true', help='train on epochs as a running build finishes them')
    p.add_argument('--timeout', type=float, default=600, help='with --follow: seconds to wait for an epoch')
    return p.parse_args(argv)


def features(x: np.ndarray) -> np.ndarray:
    """One row per sample, float32 whatever the build's dtype (float32, int8, uint16, ...)."""
    return np.asarray(x, dtype=np.float32).reshape(len(x), -1)


def standardiser(ds: AudiogenDataset, batch_size: int) -> Tuple[np.ndarray, np.ndarray]:
    """Per-feature mean and std over training epoch 0, accumulated batch by batch."""
    total = None
    total_sq = None
    n = 0
    for xb, _ in ds.batches('training', 0, batch_size):
        f = features(xb).astype(np.float64)
        total = f.sum(0) if total is None else total + f.sum(0)
        total_sq = (f * f).sum(0) if total_sq is None else total_sq + (f * f).sum(0)
        n += len(f)
    mean = total / n
    std = np.sqrt(np.maximum(total_sq / n - mean * mean, 0.0))
    std[std < 1e-6] = 1.0  # constant features (e.g. silent frames) stay at 0
    return mean.astype(np.float32), std.astype(np.float32)


class Mlp:
    """Softmax classifier with an optional ReLU hidden layer, trained with Adam."""

    def __init__(self, inputs: int, hidden: int, classes: int, rng: np.random.Generator):
        self.params: Dict[str, np.ndarray] = {}
        if hidden > 0:
            self.params['w1'] = (rng.standard_normal((inputs, hidden)) * np.sqrt(2.0 / inputs)).astype(np.float32)
            self.params['b1'] = np.zeros(hidden, np.float32)
            self.params['w2'] = (rng.standard_normal((hidden, classes)) * np.sqrt(1.0 / hidden)).astype(np.float32)
        else:
            self.params['w2'] = np.zeros((inputs, classes), np.float32)
        self.params['b2'] = np.zeros(classes, np.float32)
        self.m = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.v = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.t = 0

    def forward(self, f: np.ndarray) -> Tuple[np.ndarray, Optional[np.ndarray]]:
        h = None
        if 'w1' in self.params:
            h = np.maximum(f @ self.params['w1'] + self.params['b1'], 0.0)
            logits = h @ self.params['w2'] + self.params['b2']
        else:
            logits = f @ self.params['w2'] + self.params['b2']
        return logits, h

    def predict(self, f: np.ndarray) -> np.ndarray:
        return np.argmax(self.forward(f)[0], axis=1)

    def step(self, f: np.ndarray, ids: np.ndarray, lr: float, weight_decay: float) -> float:
        logits, h = self.forward(f)
        logits = logits - logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        n = len(ids)
        loss = float(-np.log(p[np.arange(n), ids] + 1e-12).mean())
        d = p
        d[np.arange(n), ids] -= 1.0
        d /= n
        grads: Dict[str, np.ndarray] = {'b2': d.sum(0)}
        if h is not None:
            grads['w2'] = h.T @ d
            dh = (d @ self.params['w2'].T) * (h > 0)
            grads['w1'] = f.T @ dh
            grads['b1'] = dh.sum(0)
        else:
            grads['w2'] = f.T @ d
        self.t += 1
        b1, b2, eps = 0.9, 0.999, 1e-8
        for k, g in grads.items():
            if k.startswith('w'):
                g = g + weight_decay * self.params[k]
            self.m[k] = b1 * self.m[k] + (1 - b1) * g
            self.v[k] = b2 * self.v[k] + (1 - b2) * g * g
            m_hat = self.m[k] / (1 - b1**self.t)
            v_hat = self.v[k] / (1 - b2**self.t)
            self.params[k] -= (lr * m_hat / (np.sqrt(v_hat) + eps)).astype(np.float32)
        return loss


def fail(message: str) -> int:
    print(f'error: {message}', file=sys.stderr)
    return 2


class TrainingError(Exception):
    """A build that cannot be trained on (the message says why)."""


class Trained(NamedTuple):
    """What train() returns: the model, the standardiser it was trained with, the build and its accuracy."""

    model: Mlp
    mean: np.ndarray
    std: np.ndarray
    ds: AudiogenDataset
    validation_accuracy: float


def train(args: argparse.Namespace) -> Trained:
    """Trains as the command line does (printing its progress); raises TrainingError for a build it cannot use."""
    audiogen_data = reader()
    try:
        ds = audiogen_data.AudiogenDataset(args.out, wait=args.timeout if args.follow else None)
    except (audiogen_data.ManifestError, TimeoutError) as err:
        raise TrainingError(str(err)) from None
    if not ds.has_labels:
        raise TrainingError(f'the build in {ds.root} has no labels (class_mode {ds.class_mode}): nothing to train on')
    if 'training' not in ds.subsets:
        raise TrainingError(f'the build in {ds.root} has no training subset')
    if 'validation' not in ds.subsets:
        raise TrainingError(
            f'the build in {ds.root} has no validation subset: set generator.validation_split > 0 '
            f'(or output.subsets: [training, validation]) and build again'
        )
    use = ds.num_epochs if args.epochs_to_use is None else max(1, min(args.epochs_to_use, ds.num_epochs))
    classes = len(ds.classes)
    counts = ds.class_counts('validation')
    chance = max(counts.values()) / max(1, sum(counts.values()))  # always answering the commonest class

    rng = np.random.default_rng(args.seed)
    first = next(ds.epochs('training', follow=args.follow, timeout=args.timeout), None)
    if first != 0:
        raise TrainingError(f'training epoch 0 of {ds.root} is not finished yet (use --follow to wait for it)')
    mean, std = standardiser(ds, args.batch_size)
    model = Mlp(mean.size, args.hidden, classes, rng)
    shape = 'x'.join(map(str, ds.sample_shape))
    print(f'{ds.samples("training")} training / {ds.samples("validation")} validation samples of {shape} {ds.dtype}, '
          f'{classes} classes, {mean.size} features, hidden {args.hidden}')

    val: Optional[Tuple[np.ndarray, np.ndarray]] = None

    def validation_accuracy(wait: bool) -> Optional[float]:
        nonlocal val
        if val is None:
            # The build bakes validation after training: while following, it may not be there yet.
            if 0 not in ds.refresh().finished_epochs('validation'):
                if not wait:
                    return None
                next(ds.epochs('validation', follow=True, timeout=args.timeout))
            x, y = ds.epoch('validation', 0)
            val = ((features(x) - mean) / std, ds.ids_of(y))
        f, ids = val
        return float((model.predict(f) == ids).mean())

    acc: Optional[float] = None
    for e in ds.epochs('training', follow=args.follow, timeout=args.timeout):
        losses = []
        for p in range(args.passes):
            seed = args.seed * 1_000_003 + e * args.passes + p
            for xb, yb in ds.batches('training', e, args.batch_size, shuffle=True, seed=seed):
                losses.append(model.step((features(xb) - mean) / std, ds.ids_of(yb), args.lr, args.weight_decay))
        acc = validation_accuracy(wait=False)
        shown = 'not baked yet' if acc is None else f'{acc:.3f}'
        print(f'epoch {e + 1}/{use}: training loss {np.mean(losses):.3f}, validation accuracy {shown}', flush=True)
        if e + 1 >= use:
            break  # without waiting for a further epoch
    if acc is None:
        acc = validation_accuracy(wait=args.follow)
    if acc is None:
        raise TrainingError(f'validation epoch 0 of {ds.root} is not finished yet (use --follow to wait for it)')
    print(f'final validation accuracy: {acc:.2f} (chance {chance:.2f}, {classes} classes)')
    return Trained(model, mean, std, ds, acc)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    try:
        model, mean, std, ds, _ = train(args)
    except TrainingError as err:
        return fail(str(err))
    if 'testing' in ds.subsets:
        # Testing is baked after validation: while following, it may not be there yet.
        if 0 not in ds.refresh().finished_epochs('testing'):
            if not args.follow:
                return fail(f'testing epoch 0 of {ds.root} is not finished yet (use --follow to wait for it)')
            next(ds.epochs('testing', follow=True, timeout=args.timeout))
        x, y = ds.epoch('testing', 0)
        test = float((model.predict((features(x) - mean) / std) == ds.ids_of(y)).mean())
        print(f'testing accuracy: {test:.2f} ({ds.samples("testing")} samples of testing epoch 0)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
