#!/usr/bin/env python3
"""Train a small PyTorch classifier on an audiogen build: one pass per baked training epoch.

    python3 examples/train_torch.py OUT [--epochs-to-use N] [--hidden 64] [--lr 0.001] [--seed 0] [--follow]

The same model as train_numpy.py (flatten, per-feature standardisation from training epoch 0, one ReLU hidden
layer, softmax) with torch's usual loop: a DataLoader over each baked epoch, CrossEntropyLoss, Adam.
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader

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
    p.add_argument('--weight-decay', type=float, default=1e-4)
    p.add_argument('--batch-size', type=int, default=32)
    p.add_argument('--workers', type=int, default=0, help='DataLoader worker processes')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--follow', action='store_true', help='train on epochs as a running build finishes them')
    p.add_argument('--timeout', type=float, default=600, help='with --follow: seconds to wait for an epoch')
    return p.parse_args(argv)


class Standardise(nn.Module):
    """Flattens a sample and subtracts/divides by fixed per-feature statistics."""

    def __init__(self, mean: np.ndarray, std: np.ndarray):
        super().__init__()
        self.register_buffer('mean', torch.from_numpy(mean))
        self.register_buffer('std', torch.from_numpy(std))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x.flatten(1) - self.mean) / self.std


def statistics(ds: AudiogenDataset, batch_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-feature mean and std over training epoch 0."""
    total = total_sq = None
    n = 0
    for xb, _ in ds.batches('training', 0, batch_size, dtype=np.float64):
        f = xb.reshape(len(xb), -1)
        total = f.sum(0) if total is None else total + f.sum(0)
        total_sq = (f * f).sum(0) if total_sq is None else total_sq + (f * f).sum(0)
        n += len(f)
    mean = total / n
    std = np.sqrt(np.maximum(total_sq / n - mean * mean, 0.0))
    std[std < 1e-6] = 1.0
    return mean.astype(np.float32), std.astype(np.float32)


@torch.no_grad()
def accuracy(model: nn.Module, loader: DataLoader, device: torch.device) -> float:
    model.eval()
    right = total = 0
    for x, ids in loader:
        pred = model(x.to(device)).argmax(dim=1)
        right += int((pred == ids.to(device)).sum())
        total += len(ids)
    return right / max(1, total)


def fail(message: str) -> int:
    print(f'error: {message}', file=sys.stderr)
    return 2


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    torch.manual_seed(args.seed)
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
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')

    if next(ds.epochs('training', follow=args.follow, timeout=args.timeout), None) != 0:
        return fail(f'training epoch 0 of {ds.root} is not finished yet (use --follow to wait for it)')
    mean, std = statistics(ds, args.batch_size)
    layers: List[nn.Module] = [Standardise(mean, std)]
    if args.hidden > 0:
        layers += [nn.Linear(mean.size, args.hidden), nn.ReLU(), nn.Linear(args.hidden, classes)]
    else:
        layers += [nn.Linear(mean.size, classes)]
    model = nn.Sequential(*layers).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(args.seed)

    val_loader: Optional[DataLoader] = None
    acc: Optional[float] = None
    for e in ds.epochs('training', follow=args.follow, timeout=args.timeout):
        loader = DataLoader(ds.torch_dataset('training', e), batch_size=args.batch_size, shuffle=True,
                            num_workers=args.workers, generator=generator)
        model.train()
        losses = []
        for x, ids in loader:
            x, ids = x.to(device), ids.to(device)
            optimiser.zero_grad()
            loss = loss_fn(model(x), ids)
            loss.backward()
            optimiser.step()
            losses.append(loss.item())
        # Validation is baked after training: while following, it may not be there yet.
        if val_loader is None and 0 in ds.refresh().finished_epochs('validation'):
            val_loader = DataLoader(ds.torch_dataset('validation', 0), batch_size=256)
        acc = None if val_loader is None else accuracy(model, val_loader, device)
        shown = 'not baked yet' if acc is None else f'{acc:.3f}'
        print(f'epoch {e + 1}/{use}: training loss {np.mean(losses):.3f}, validation accuracy {shown}', flush=True)
        if e + 1 >= use:
            break
    if acc is None:
        if not args.follow and 0 not in ds.refresh().finished_epochs('validation'):
            return fail(f'validation epoch 0 of {ds.root} is not finished yet (use --follow to wait for it)')
        next(ds.epochs('validation', follow=True, timeout=args.timeout))
        acc = accuracy(model, DataLoader(ds.torch_dataset('validation', 0), batch_size=256), device)
    print(f'final validation accuracy: {acc:.2f} (chance {chance:.2f}, {classes} classes)')
    if 'testing' in ds.subsets:
        # The corpus's official test split, when the build has one: the figure to report.
        if 0 not in ds.refresh().finished_epochs('testing'):
            if not args.follow:
                return fail(f'testing epoch 0 of {ds.root} is not finished yet (use --follow to wait for it)')
            next(ds.epochs('testing', follow=True, timeout=args.timeout))
        test = accuracy(model, DataLoader(ds.torch_dataset('testing', 0), batch_size=256), device)
        print(f'testing accuracy: {test:.2f} ({ds.samples("testing")} samples of testing epoch 0)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
