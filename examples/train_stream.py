#!/usr/bin/env python3
"""Train the numpy example's model from a WebDataset tar stream on standard input, as audiogen bakes it.

    audiogen build --config kws.yaml --stdout | python3 examples/train_stream.py [--hidden 64] [--lr 0.001] ...

The config needs `output.format: webdataset`. The stream holds, per sample, `<key>.npy` (its features), `<key>.cls`
(its class id) and `<key>.json` (its index row), with keys `<subset>-e<epoch>-<position>`, in the build's order:
training epoch 0, validation epoch 0, training epoch 1, ... (testing after validation). Each sample's key says
which subset it belongs to: training samples train the model as they arrive, in mini-batches; validation and
testing samples are scored with the model as it stands, and each finished validation epoch prints its accuracy.
Nothing is read but the stream (the package's WebDataset reader on standard input): no manifest, no files, no
seeking.

Features are standardised per feature with the mean and std of the first --warmup training samples (held until
then, and trained on first). The model is train_numpy.py's MLP; the class count is the highest class id seen + 1
(or --classes), and the output layer widens if a later sample brings a higher id.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Dict, Iterator, List, Optional, Tuple

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_numpy import Mlp, features, reader  # noqa: E402  (reader: the installed audiogen_data, or exit)


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--hidden', type=int, default=64, help='hidden units; 0 for softmax regression (default 64)')
    p.add_argument('--lr', type=float, default=1e-3, help='Adam learning rate (default 0.001)')
    p.add_argument('--weight-decay', type=float, default=1e-4, help='L2 penalty (default 1e-4)')
    p.add_argument('--batch-size', type=int, default=32)
    p.add_argument('--warmup', type=int, default=256, help='training samples that set the standardisation (default 256)')
    p.add_argument('--classes', type=int, default=None, help='class count (default: the highest class id seen + 1)')
    p.add_argument('--max-samples', type=int, default=None, help='stop reading after this many samples')
    p.add_argument('--seed', type=int, default=0)
    return p.parse_args(argv)


class StreamError(Exception):
    """The stream is not what audiogen writes."""


def samples() -> Iterator[Tuple[str, int, np.ndarray, int]]:
    """(subset, epoch, x, class id) per sample of the stream on standard input, in its order."""
    reader()  # exits with the install line when the package is missing
    from audiogen_data import webdataset as wds

    for sample in wds.samples('-'):  # each sample's members, decoded
        key = sample['__key__']
        where = wds.parse_key(key)
        if where is None:
            raise StreamError(f'member key {key!r} is not an audiogen sample key (<subset>-e<epoch>-<position>)')
        if 'npy' not in sample:
            raise StreamError(f'sample {key} has no .npy member')
        if 'cls' not in sample:
            raise StreamError(f'sample {key} has no .cls member: the build has no labels (class_mode input or null)')
        yield where['subset'], where['epoch'], sample['npy'], sample['cls']


def widen(model: Mlp, classes: int) -> None:
    """Adds output classes (zero weights, fresh Adam state) to a model that has fewer."""
    have = model.params['b2'].shape[0]
    if classes <= have:
        return
    extra = classes - have
    for name, axis in (('w2', 1), ('b2', 0)):
        pad = [(0, 0)] * model.params[name].ndim
        pad[axis] = (0, extra)
        model.params[name] = np.pad(model.params[name], pad)
        model.m[name] = np.pad(model.m[name], pad)
        model.v[name] = np.pad(model.v[name], pad)


class Trainer:
    """The model, its standardisation, and what it has seen."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.rng = np.random.default_rng(args.seed)
        self.model: Optional[Mlp] = None
        self.mean: Optional[np.ndarray] = None
        self.std: Optional[np.ndarray] = None
        self.warmup: List[Tuple[np.ndarray, int]] = []
        self.batch: List[Tuple[np.ndarray, int]] = []
        self.losses: List[float] = []

    def start(self) -> None:
        """Sets the standardisation from the warm-up samples, makes the model and trains on them."""
        f = np.stack([s for s, _ in self.warmup]).astype(np.float64)
        self.mean = f.mean(0).astype(np.float32)
        std = f.std(0)
        std[std < 1e-6] = 1.0  # constant features (e.g. silent frames) stay at 0
        self.std = std.astype(np.float32)
        classes = self.args.classes or (max(y for _, y in self.warmup) + 1)
        self.model = Mlp(self.mean.size, self.args.hidden, classes, self.rng)
        held, self.warmup = self.warmup, []
        for s in held:
            self.train(*s)

    def train(self, f: np.ndarray, y: int) -> None:
        if self.model is None:
            self.warmup.append((f, y))
            if len(self.warmup) >= self.args.warmup:
                self.start()
            return
        self.batch.append((f, y))
        if len(self.batch) >= self.args.batch_size:
            self.step()

    def step(self) -> None:
        """Trains on the samples held (a mini-batch, or what an epoch's end leaves)."""
        if self.model is None and self.warmup:
            self.start()
        if not self.batch:
            return
        ids = np.array([y for _, y in self.batch])
        widen(self.model, int(ids.max()) + 1)
        f = (np.stack([s for s, _ in self.batch]) - self.mean) / self.std
        self.losses.append(self.model.step(f, ids, self.args.lr, self.args.weight_decay))
        self.batch = []

    def predict(self, f: np.ndarray) -> np.ndarray:
        return self.model.predict((f - self.mean) / self.std)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    trainer = Trainer(args)
    group: Optional[Tuple[str, int]] = None
    scored: List[Tuple[np.ndarray, int]] = []
    results: Dict[Tuple[str, int], Tuple[float, int, float]] = {}
    shape = None
    seen = 0

    def close(g: Tuple[str, int]) -> None:
        """The end of a (subset, epoch) in the stream: train on the rest, or score what was held."""
        subset, epoch = g
        if subset == 'training':
            trainer.step()
            print(f'training epoch {epoch}: loss {np.mean(trainer.losses):.3f}', flush=True)
            trainer.losses = []
            return
        if trainer.model is None:
            trainer.step()
        if trainer.model is None:
            raise StreamError(f'{subset} samples came before any training sample')
        ids = np.array([y for _, y in scored])
        pred = trainer.predict(np.stack([f for f, _ in scored]))
        acc = float((pred == ids).mean())
        chance = float(np.bincount(ids).max() / len(ids))
        results[g] = (acc, len(ids), chance)
        print(f'{subset} epoch {epoch}: accuracy {acc:.3f} ({len(ids)} samples)', flush=True)
        scored.clear()

    try:
        for subset, epoch, x, y in samples():
            if shape is None:
                shape = x.shape
            if group is not None and group != (subset, epoch):
                close(group)
            group = (subset, epoch)
            f = features(x[None])[0]
            if subset == 'training':
                trainer.train(f, y)
            else:
                scored.append((f, y))
            seen += 1
            if args.max_samples is not None and seen >= args.max_samples:
                break
        if group is not None:
            close(group)
    except (StreamError, ValueError) as err:  # the package's WebDatasetError is a ValueError too
        print(f'error: {err}', file=sys.stderr)
        return 2
    if trainer.model is None:
        print('error: the stream held no training samples', file=sys.stderr)
        return 2
    validation = [g for g in results if g[0] == 'validation']
    classes = trainer.model.params['b2'].shape[0]
    print(f'{seen} samples of {"x".join(map(str, shape))} read from the stream, {classes} classes')
    if not validation:
        print('no validation samples in the stream: nothing to measure accuracy on')
        return 0
    acc, _, chance = results[validation[-1]]
    print(f'final validation accuracy: {acc:.2f} (chance {chance:.2f}, {classes} classes)')
    testing = [g for g in results if g[0] == 'testing']
    if testing:
        t, n, _ = results[testing[-1]]
        print(f'testing accuracy: {t:.2f} ({n} samples of testing epoch {testing[-1][1]})')
    return 0


if __name__ == '__main__':
    sys.exit(main())
