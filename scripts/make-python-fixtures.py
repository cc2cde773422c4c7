#!/usr/bin/env python3
"""Writes fixtures/python/: one small audiogen build in both output formats, for the Python package's tests that
need no Node build (manifest parsing, sharded arrays, tar reading).

    python3 scripts/make-python-fixtures.py        # deterministic: a rerun writes the same bytes

npy/         manifest.json, classes.txt, <subset>/epoch-<eee>/{x,y,index}-<sss>.{npy,npy,csv}, as `output.format: npy`
webdataset/  manifest.json, classes.txt, <subset>/epoch-<eee>/shard-<sss>.tar, as `output.format: webdataset`
             (POSIX ustar written by Python's tarfile; members per sample <key>.npy, <key>.cls, <key>.json in that
             order; key <subset>-e<eee>-<position, 8 digits>; mode 0644, uid/gid 0, no user/group names, mtime 0)
unlabelled/  the same as webdataset/ for class_mode null: no .cls members, label null (the index rows keep the
             class id in `label`, as audiogen's do)

Both formats hold the same samples: 3 classes, categorical one-hot float32 labels, x float32 [3, 2] whose values
name the sample (subset * 1000 + epoch * 100 + position + k/10), 5 training and 2 validation samples per epoch,
2 epochs, 2 samples per shard, index rows with the real columns and drawn-looking values.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tarfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1] / 'fixtures' / 'python'
CLASSES = ['yes', 'no', '_unknown_']
SHAPE = [3, 2]
SUBSETS = {'training': 5, 'validation': 2}
EPOCHS = 2
PER_SHARD = 2
COLUMNS = ['position', 'label', 'class', 'file', 'offset', 'speed', 'pitch', 'vtlp', 'loudness', 'noise',
           'noise_factor', 'bg_file', 'bg_offset']
NOISES = ['none', 'white', 'pink', 'background']


def sample(subset: str, epoch: int, position: int) -> dict:
    """Everything about one sample, drawn from a generator seeded by its coordinates."""
    s = list(SUBSETS).index(subset)
    rng = np.random.default_rng([s, epoch, position])
    label = int(rng.integers(len(CLASSES)))
    x = (s * 1000 + epoch * 100 + position + np.arange(np.prod(SHAPE)) / 10).astype(np.float32).reshape(SHAPE)
    noise = NOISES[int(rng.integers(len(NOISES)))]
    row = {
        'position': position,
        'label': label,
        'class': CLASSES[label],
        'file': f'{CLASSES[label]}/speaker{int(rng.integers(9))}_nohash_0.wav',
        'offset': float(rng.random()),
        'speed': float(0.9 + 0.2 * rng.random()),
        'pitch': float(rng.normal()),
        'vtlp': 1,
        'loudness': float(0.8 + 0.4 * rng.random()),
        'noise': noise,
        'noise_factor': 0 if noise == 'none' else float(rng.random() * 0.2),
        'bg_file': 'fan.wav' if noise == 'background' else '',
        'bg_offset': int(rng.integers(16000)) if noise == 'background' else 0,
    }
    return {'x': x, 'label': label, 'row': row}


def npy_bytes(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=False)  # v1.0, header padded to 64 bytes as audiogen writes it
    return buf.getvalue()


def csv_cell(v) -> str:
    return repr(v) if isinstance(v, float) else str(v)


def record(out: Path, rel: str, extra: dict | None = None) -> dict:
    data = (out / rel).read_bytes()
    return {'path': rel, 'bytes': len(data), 'sha256': hashlib.sha256(data).hexdigest(), **(extra or {})}


def tar_bytes(members: list) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w', format=tarfile.USTAR_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            info.uid = info.gid = 0
            info.uname = info.gname = ''
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def write_shard(out: Path, fmt: str, labelled: bool, subset: str, epoch: int, shard: int, items: list) -> dict:
    folder = f'{subset}/epoch-{epoch:03d}'
    (out / folder).mkdir(parents=True, exist_ok=True)
    entry = {'subset': subset, 'epoch': epoch, 'shard': shard, 'start': items[0][0], 'count': len(items)}
    if fmt == 'webdataset':
        members = []
        for position, s in items:
            key = f'{subset}-e{epoch:03d}-{position:08d}'
            members.append((f'{key}.npy', npy_bytes(s['x'])))
            if labelled:
                members.append((f'{key}.cls', str(s['label']).encode()))
            members.append((f'{key}.json', json.dumps(s['row'], separators=(',', ':')).encode()))
        rel = f'{folder}/shard-{shard:03d}.tar'
        (out / rel).write_bytes(tar_bytes(members))
        entry['tar'] = record(out, rel)
        return entry
    xs = np.stack([s['x'] for _, s in items])
    ys = np.eye(len(CLASSES), dtype=np.float32)[[s['label'] for _, s in items]]
    rel = {k: f'{folder}/{k}-{shard:03d}.{"csv" if k == "index" else "npy"}' for k in ('x', 'y', 'index')}
    (out / rel['x']).write_bytes(npy_bytes(xs))
    (out / rel['y']).write_bytes(npy_bytes(ys))
    with open(out / rel['index'], 'w', newline='', encoding='utf-8') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(COLUMNS)
        for _, s in items:
            w.writerow([csv_cell(s['row'][c]) for c in COLUMNS])
    entry['x'] = record(out, rel['x'], {'shape': list(xs.shape), 'dtype': 'float32'})
    entry['y'] = record(out, rel['y'], {'shape': list(ys.shape), 'dtype': 'float32'})
    entry['index'] = record(out, rel['index'])
    return entry


def write_build(name: str, fmt: str, labelled: bool) -> None:
    out = ROOT / name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    (out / 'classes.txt').write_text(''.join(f'{c}\n' for c in CLASSES))
    subsets = {}
    for subset, n in SUBSETS.items():
        epochs = []
        counts = dict.fromkeys(CLASSES, 0)
        for e in range(EPOCHS):
            samples = [(p, sample(subset, e, p)) for p in range(n)]
            if e == 0:
                for _, s in samples:
                    counts[s['row']['class']] += 1
            shards = [write_shard(out, fmt, labelled, subset, e, k, samples[i : i + PER_SHARD])
                      for k, i in enumerate(range(0, n, PER_SHARD))]
            epochs.append({'epoch': e, 'shards': shards})
        subsets[subset] = {'samples': n, 'class_counts': counts, 'epochs': epochs}
    output = {'epochs': EPOCHS, 'samples_per_shard': PER_SHARD, 'subsets': None}
    if fmt == 'webdataset':
        output['format'] = 'webdataset'
    manifest = {
        'format': 'audiogen',
        'format_version': 1,
        'tool': {'name': 'audiogen', 'version': '0.1.0'},
        'complete': True,
        'config_hash': hashlib.sha256(f'fixture {name}'.encode()).hexdigest(),
        'dataset_hash': hashlib.sha256(b'fixture dataset').hexdigest(),
        'config': {'dataset': {'class_mode': 'categorical' if labelled else None}, 'output': output},
        'classes': CLASSES,
        'class_mode': 'categorical' if labelled else None,
        'sample_shape': SHAPE,
        'dtype': 'float32',
        'label': {'dtype': 'float32', 'shape': [len(CLASSES)]} if labelled else None,
        'frontend': None,
        'epochs': EPOCHS,
        'index_columns': COLUMNS,
        'subsets': subsets,
        'skipped': [],
        'warnings': [],
    }
    (out / 'manifest.json').write_text(json.dumps(manifest, indent=2) + '\n')


def main() -> None:
    write_build('npy', 'npy', True)
    write_build('webdataset', 'webdataset', True)
    write_build('unlabelled', 'webdataset', False)
    total = sum(p.stat().st_size for p in ROOT.rglob('*') if p.is_file())
    print(f'wrote {ROOT} ({total} bytes)')


if __name__ == '__main__':
    os.umask(0o022)
    main()
