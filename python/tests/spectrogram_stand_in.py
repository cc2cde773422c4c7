"""A stand-in for a spectrogram build, derived in numpy from a raw-audio build (until the frontend lands).

Log mel energies (25 ms Hann windows every 10 ms, 32 bands 125-7500 Hz) quantised to the frontend's output
dtypes; written as a complete audiogen build (manifest with sizes and sha256) so the reader and the examples see
the shapes and dtypes a real spectrogram build has. Not the microfrontend's numbers: only its layout.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil

import numpy as np

RATE, WINDOW, STEP, BANDS, NFFT = 16000, 400, 160, 32, 512


def _mel(hz):
    return 1127.0 * np.log1p(np.asarray(hz, dtype=np.float64) / 700.0)


def _filterbank():
    edges = np.interp(np.linspace(_mel(125.0), _mel(7500.0), BANDS + 2), _mel(np.arange(NFFT // 2 + 1) * RATE / NFFT),
                      np.arange(NFFT // 2 + 1))
    fb = np.zeros((NFFT // 2 + 1, BANDS))
    bins = np.arange(NFFT // 2 + 1)
    for b in range(BANDS):
        lo, mid, hi = edges[b], edges[b + 1], edges[b + 2]
        fb[:, b] = np.clip(np.minimum((bins - lo) / (mid - lo), (hi - bins) / (hi - mid)), 0, None)
    return fb


FILTERBANK = _filterbank().astype(np.float32)


def log_mel(audio: np.ndarray) -> np.ndarray:
    """(n, samples) float audio in [-1, 1] -> (n, frames, BANDS) log energies, roughly 0..12."""
    frames = 1 + (audio.shape[1] - WINDOW) // STEP
    idx = np.arange(WINDOW)[None, :] + STEP * np.arange(frames)[:, None]
    spec = np.abs(np.fft.rfft((audio[:, idx] * np.hanning(WINDOW)).astype(np.float32), NFFT)) ** 2
    bands = spec.reshape(-1, spec.shape[-1]) @ FILTERBANK  # 2-D: one BLAS call, not one per frame stack
    return np.log1p(bands.reshape(len(audio), frames, BANDS) * 1e3)


def quantise(f: np.ndarray, dtype: str) -> np.ndarray:
    if dtype == 'uint16':
        return np.clip(np.round(f * 64), 0, 65535).astype(np.uint16)
    if dtype == 'int8':
        return np.clip(np.round(f * 20) - 128, -128, 127).astype(np.int8)
    return f.astype(np.float32)


def _record(root, rel, arr=None):
    path = os.path.join(root, rel)
    if arr is not None:
        np.save(path, arr, allow_pickle=False)
    with open(path, 'rb') as f:
        data = f.read()
    return {'path': rel, 'bytes': len(data), 'sha256': hashlib.sha256(data).hexdigest()}


def derive(src: str, dst: str, dtype: str = 'uint16', channel: bool = True) -> str:
    """Writes a spectrogram-shaped build at dst from the raw-audio build at src; returns dst."""
    with open(os.path.join(src, 'manifest.json')) as f:
        m = json.load(f)
    out = copy.deepcopy(m)
    if os.path.exists(dst):
        shutil.rmtree(dst)
    os.makedirs(dst)
    shutil.copy(os.path.join(src, 'classes.txt'), dst)
    for name, sub in out['subsets'].items():
        for ep in sub['epochs']:
            for shard in ep['shards']:
                os.makedirs(os.path.join(dst, os.path.dirname(shard['x']['path'])), exist_ok=True)
                audio = np.load(os.path.join(src, shard['x']['path'])).astype(np.float64)
                x = quantise(log_mel(audio.reshape(len(audio), -1)), dtype)
                if channel:
                    x = x[..., None]
                shard['x'] = {**_record(dst, shard['x']['path'], x), 'shape': list(x.shape), 'dtype': dtype}
                if shard['y'] is not None:
                    y = np.load(os.path.join(src, shard['y']['path']))
                    if m['label']['dtype'] == m['dtype']:  # one-hot/binary labels follow x's dtype
                        y = y.astype(dtype)
                    shard['y'] = {**_record(dst, shard['y']['path'], y), 'shape': list(y.shape), 'dtype': str(y.dtype)}
                shutil.copy(os.path.join(src, shard['index']['path']), os.path.join(dst, shard['index']['path']))
    out['sample_shape'] = list(x.shape[1:])
    out['dtype'] = dtype
    if out['label'] is not None and m['label']['dtype'] == m['dtype']:
        out['label']['dtype'] = dtype
    out['frontend'] = {'stand_in': 'numpy log mel', 'output_dtype': dtype}
    with open(os.path.join(dst, 'manifest.json'), 'w') as f:
        json.dump(out, f, indent=2)
    return dst
