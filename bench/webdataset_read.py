#!/usr/bin/env python3
"""How fast audiogen_data reads WebDataset tar shards, next to .npy shards of the same samples.

    python3 bench/webdataset_read.py [--samples 8192] [--per-shard 512] [--runs 5]

Writes micro_speech-shaped samples (49x40x1 float32, 7,840 bytes: the demo's rows) as tars in audiogen's layout
(<key>.npy, .cls, .json per sample) and as x-<sss>.npy shards into a temporary folder, then reports the best of
`runs` for: webdataset_iter over the files, through `pipe:cat`, with a 1,000-sample shuffle buffer; a tar epoch read
in place through ShardedArray (headers walked once per shard, then all rows, then random rows); the same from .npy
shards. Reads come from the page cache (the files were just written): this measures the reader, not the disk.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

from audiogen_data import ShardedArray, webdataset_iter
from audiogen_data.tarshards import _scan, load_tar_x

SHAPE = (49, 40, 1)


def write(folder: Path, samples: int, per_shard: int):
    rng = np.random.default_rng(0)
    tars, npys, counts = [], [], []
    for shard, start in enumerate(range(0, samples, per_shard)):
        x = rng.random((min(per_shard, samples - start),) + SHAPE, dtype=np.float32)
        npy = folder / f'x-{shard:03d}.npy'
        np.save(npy, x)
        tar = folder / f'shard-{shard:03d}.tar'
        with tarfile.open(tar, 'w', format=tarfile.USTAR_FORMAT) as t:
            for i, row in enumerate(x):
                key = f'training-e000-{start + i:08d}'
                buf = io.BytesIO()
                np.save(buf, row)
                row_json = json.dumps({'position': start + i, 'label': i % 8, 'class': 'yes', 'file': 'yes/a.wav', 'offset': 0.5})
                for ext, data in (('npy', buf.getvalue()), ('cls', str(i % 8).encode()), ('json', row_json.encode())):
                    info = tarfile.TarInfo(f'{key}.{ext}')
                    info.size = len(data)
                    t.addfile(info, io.BytesIO(data))
        tars.append(str(tar))
        npys.append(str(npy))
        counts.append(len(x))
    return tars, npys, counts


def best(runs: int, fn) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--samples', type=int, default=8192)
    p.add_argument('--per-shard', type=int, default=512)
    p.add_argument('--runs', type=int, default=5)
    args = p.parse_args()
    folder = Path(tempfile.mkdtemp(prefix='audiogen-bench-wds-'))
    try:
        tars, npys, counts = write(folder, args.samples, args.per_shard)
        n = args.samples
        mb = sum(Path(t).stat().st_size for t in tars) / 1e6
        print(f'{n} samples of float32{list(SHAPE)} in {len(tars)} tars ({mb:.1f} MB), best of {args.runs}:')

        def drain(it) -> None:
            for _ in it:
                pass

        def report(what: str, seconds: float) -> None:
            print(f'  {what:<46} {n / seconds:>9,.0f} samples/s  {mb / seconds:>6.0f} MB/s')

        report('webdataset_iter, local files', best(args.runs, lambda: drain(webdataset_iter(tars))))
        pipe = [f'pipe:cat {t}' for t in tars]
        report('webdataset_iter, pipe:cat', best(args.runs, lambda: drain(webdataset_iter(pipe))))
        report('webdataset_iter, shuffle_buffer=1000', best(args.runs, lambda: drain(webdataset_iter(tars, shuffle_buffer=1000, seed=0))))

        def tar_epoch() -> None:
            _scan.cache_clear()  # the headers are walked again, as by a fresh process
            np.asarray(ShardedArray(tars, counts, SHAPE, 'float32', loader=load_tar_x))

        order = np.random.default_rng(1).permutation(n)
        report('tar epoch in place: headers + all rows', best(args.runs, tar_epoch))
        x = ShardedArray(tars, counts, SHAPE, 'float32', loader=load_tar_x)
        report('tar epoch in place: random rows (gather)', best(args.runs, lambda: x[order]))
        y = ShardedArray(npys, counts, SHAPE, 'float32')
        report('npy shards (mmap): all rows', best(args.runs, lambda: np.asarray(ShardedArray(npys, counts, SHAPE, 'float32'))))
        report('npy shards (mmap): random rows (gather)', best(args.runs, lambda: y[order]))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == '__main__':
    main()
