"""torch_iterable: tar shards streamed as a torch IterableDataset, split across DataLoader workers and DDP ranks."""

from __future__ import annotations

import os
import random
import warnings
from typing import Any, List, Optional, Sequence, Tuple, Union

import numpy as np

from .webdataset import Source, source_list, webdataset_iter

__all__ = ['split_shards', 'ranks', 'consumer', 'torch_iterable']


def split_shards(
    shards: Sequence[Any], rank: int = 0, world_size: int = 1, worker: int = 0, num_workers: int = 1
) -> List[Any]:
    """The shards one consumer reads when `world_size` ranks each run `num_workers` DataLoader workers: every
    (world_size x num_workers)-th shard, from consumer rank x num_workers + worker. Each shard goes to exactly one
    consumer; consumers differ by at most one shard."""
    for name, value, limit in (('rank', rank, world_size), ('worker', worker, num_workers)):
        if not 0 <= value < limit:
            raise ValueError(f'{name} {value} is outside 0..{limit - 1}')
    return list(shards)[rank * num_workers + worker :: world_size * num_workers]


def ranks(torch: Any) -> Optional[Tuple[int, int]]:
    """(rank, world_size) from torch.distributed once it is initialized, else from RANK/WORLD_SIZE (torchrun sets
    them); None when neither says."""
    dist = getattr(torch, 'distributed', None)
    if dist is not None and dist.is_available() and dist.is_initialized():
        return int(dist.get_rank()), int(dist.get_world_size())
    if 'RANK' in os.environ and 'WORLD_SIZE' in os.environ:
        return int(os.environ['RANK']), int(os.environ['WORLD_SIZE'])
    return None


def consumer(torch: Any, known: Optional[Tuple[int, int]] = None) -> Tuple[int, int, int, int]:
    """(rank, world_size, worker, num_workers) of the calling process: the rank as `ranks` finds it, else `known`
    (what the main process found when it sent the dataset to a spawned worker, where no process group exists), else
    (0, 1); the worker from get_worker_info() (None in the main process)."""
    rank, world = ranks(torch) or known or (0, 1)
    info = torch.utils.data.get_worker_info()
    worker, workers = (0, 1) if info is None else (int(info.id), int(info.num_workers))
    return rank, world, worker, workers


def _to_tensors(torch: Any, sample: Tuple[np.ndarray, Optional[int], dict], x_dtype: Any, with_meta: bool) -> Any:
    x, y, meta = sample
    xt = torch.from_numpy(np.array(x, dtype=x_dtype or x.dtype))  # a copy: torch wants writable memory
    out: Tuple[Any, ...] = (xt,) if y is None else (xt, torch.tensor(int(y), dtype=torch.int64))
    if with_meta:
        out += (meta,)
    return out[0] if len(out) == 1 else out


def make_torch_iterable(
    sources: List[str],
    shuffle_buffer: int,
    seed: Optional[Union[int, str]],
    shuffle_shards: bool,
    x_dtype: Any,
    with_meta: bool,
    epoch: int,
    known_ranks: Optional[Tuple[int, int]] = None,
) -> Any:
    import torch
    from torch.utils.data import IterableDataset

    class AudiogenIterableDataset(IterableDataset):
        """Each iteration reads this consumer's share of the shards (see split_shards)."""

        def __init__(self) -> None:
            super().__init__()
            self.shards = list(sources)
            self.epoch = epoch

        def set_epoch(self, e: int) -> None:
            """A new shard order and shuffle for each epoch (with a seed), like DistributedSampler.set_epoch."""
            self.epoch = int(e)

        def __iter__(self) -> Any:
            rank, world, worker, workers = consumer(torch, known_ranks)
            shards = list(self.shards)
            if shuffle_shards:
                # One order for every consumer (same seed and epoch), so the split still covers each shard once.
                random.Random(f'{seed}:{self.epoch}:shards').shuffle(shards)
            mine = split_shards(shards, rank, world, worker, workers)
            if not mine:
                warnings.warn(
                    f'rank {rank} worker {worker} gets none of the {len(shards)} shards '
                    f'({world} rank(s) x {workers} worker(s)): give it more shards or fewer workers',
                    stacklevel=2,
                )
            me = rank * workers + worker
            sample_seed = None if seed is None else f'{seed}:{self.epoch}:{me}'
            for sample in webdataset_iter(mine, shuffle_buffer=shuffle_buffer, seed=sample_seed):
                yield _to_tensors(torch, sample, x_dtype, with_meta)

        def __reduce__(self) -> Any:
            # Rebuilt from the shard list in each DataLoader worker, whatever the start method; pickled in the main
            # process, where the rank is known: a spawned worker has no process group to ask.
            known = ranks(torch) or known_ranks
            args = (sources, shuffle_buffer, seed, shuffle_shards, x_dtype, with_meta, self.epoch, known)
            return make_torch_iterable, args

    return AudiogenIterableDataset()


def torch_iterable(
    paths_or_urls: Union[Source, Sequence[Source]],
    shuffle_buffer: int = 0,
    seed: Optional[Union[int, str]] = None,
    shuffle_shards: bool = False,
    x_dtype: Any = 'float32',
    with_meta: bool = False,
) -> Any:
    """A torch.utils.data.IterableDataset over tar shards (webdataset_iter's sources) yielding (x, y) tensors: x
    as `x_dtype` (None: as stored), y the int64 class id; x alone in a build without labels; `meta` last with
    with_meta. Shards are split across DataLoader workers and DDP ranks (split_shards), so each sample is read once
    per pass: give it at least world_size x num_workers shards. `seed` makes the shuffles repeatable, per epoch
    (set_epoch) and consumer; shuffle_shards also reorders the shards each epoch. torch is imported here, on call."""
    if not isinstance(shuffle_buffer, int) or isinstance(shuffle_buffer, bool) or shuffle_buffer < 0:
        raise ValueError(f'shuffle_buffer must be a non-negative integer, got {shuffle_buffer!r}')
    return make_torch_iterable(source_list(paths_or_urls), shuffle_buffer, seed, shuffle_shards, x_dtype, with_meta, 0)
