#!/usr/bin/env python3
"""Evaluate the numpy example's model on a test stream: correct, wrong, missed and false accepts per hour.

    npx audiogen build --config configs/demo.yaml                          # out/demo
    npx audiogen stream --config configs/demo.yaml --out out/demo-stream   # 10 minutes of held-out words
    python3 examples/stream_eval.py out/demo out/demo-stream

Trains examples/train_numpy.py's model on the build (or reuses the one saved by an earlier run, BUILD-model.npz),
runs it over the stream's features window by window (AudiogenStream.windows: one window per --stride-ms, as many
frames as a training sample), normalises each window as the build normalised its samples, turns the scores into
detections with recognize_commands (TensorFlow's RecognizeCommands), writes them (STREAM-detections.csv) and
scores them with `audiogen score`. Depends on numpy alone (and node for the score).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from typing import Any, Dict, List, Optional

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import train_numpy  # noqa: E402

audiogen_data = train_numpy.reader()  # exits with the install line when the package is missing
from audiogen_data.stream import AudiogenStream, StreamError, recognize_commands, write_detections  # noqa: E402


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('build', help='an audiogen build to train on (manifest.json), e.g. out/demo')
    p.add_argument('stream', help='a folder made by `audiogen stream` from the same config, e.g. out/demo-stream')
    p.add_argument('--model', help='saved model, reused when it exists, else trained and saved (BUILD-model.npz)')
    p.add_argument('--retrain', action='store_true', help='train even when --model exists')
    p.add_argument('--detections', help='detections file to write (default STREAM-detections.csv)')
    p.add_argument('--stride-ms', type=float, default=30, help='time between windows (default 30, as TF)')
    p.add_argument('--average-window-ms', type=float, default=1000)
    p.add_argument('--threshold', type=float, default=0.7)
    p.add_argument('--suppression-ms', type=float, default=1500)
    p.add_argument('--minimum-count', type=int, default=3)
    p.add_argument('--rule', choices=['strict', 'tf'], default='strict', help='audiogen score --rule (default strict)')
    p.add_argument('--time-tolerance-ms', type=float, default=750)
    p.add_argument('--seed', type=int, default=0, help='training seed (as train_numpy.py)')
    return p.parse_args(argv)


def fail(message: str) -> int:
    print(f'error: {message}', file=sys.stderr)
    return 2


def model_for(args: argparse.Namespace, path: str) -> Dict[str, Any]:
    """The saved model at `path` when it fits the build, else one trained now (train_numpy.train) and saved."""
    ds = audiogen_data.AudiogenDataset(args.build)
    if os.path.exists(path) and not args.retrain:
        saved = dict(np.load(path, allow_pickle=False))
        if list(saved['classes']) == ds.classes and tuple(saved['sample_shape']) == tuple(ds.sample_shape):
            print(f'model: {path} (trained earlier; --retrain to train again)')
            return saved
        print(f'model: {path} is for another build: training again')
    trained = train_numpy.train(train_numpy.parse_args([args.build, '--seed', str(args.seed)]))
    saved = {f'param_{k}': v for k, v in trained.model.params.items()}
    saved.update(mean=trained.mean, std=trained.std, classes=np.array(ds.classes),
                 sample_shape=np.array(ds.sample_shape))
    tmp = f'{path}.partial.npz'
    np.savez(tmp, **saved)
    os.replace(tmp, path)
    print(f'model: trained and saved to {path}')
    return saved


def probabilities(saved: Dict[str, Any], x: np.ndarray) -> np.ndarray:
    """Softmax of train_numpy's MLP (its parameters as saved) on samples shaped like the build's."""
    mlp = train_numpy.Mlp.__new__(train_numpy.Mlp)
    mlp.params = {k[len('param_'):]: v for k, v in saved.items() if k.startswith('param_')}
    logits = mlp.forward((train_numpy.features(x) - saved['mean']) / saved['std'])[0]
    logits = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


def normalise(windows: np.ndarray, generator: Dict[str, Any], dtype: np.dtype) -> np.ndarray:
    """What the build did to each spectrogram after the frontend (src/sample/normalize.ts), then its dtype."""
    x = windows.astype(np.float64)
    axes = tuple(range(1, x.ndim))
    if generator.get('rescale') is not None:
        x = x * generator['rescale']
    if generator.get('samplewise_center'):
        x = x - x.mean(axis=axes, keepdims=True)
    if generator.get('samplewise_std_normalization'):
        x = x / (x.std(axis=axes, keepdims=True) + 1e-6)
    low_high = generator.get('samplewise_normalize_range')
    if low_high is not None:
        lo, hi = low_high
        lo_x, hi_x = x.min(axis=axes, keepdims=True), x.max(axis=axes, keepdims=True)
        ptp = hi_x - lo_x
        x = np.where(ptp > 0, (x - lo_x) * (hi - lo) / np.where(ptp > 0, ptp, 1) + lo, lo)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        x = np.clip(np.nan_to_num(x), info.min, info.max)
    return x.astype(dtype)


def audiogen_command() -> List[str]:
    """The CLI this checkout ships (node bin/audiogen.js), else an installed `audiogen`."""
    local = os.path.join(REPO, 'bin', 'audiogen.js')
    if os.path.exists(os.path.join(REPO, 'dist', 'src', 'cli', 'main.js')) and shutil.which('node'):
        return ['node', local]
    if shutil.which('audiogen'):
        return ['audiogen']
    return ['npx', 'audiogen']


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    build = args.build.rstrip('/')
    stream_dir = args.stream.rstrip('/')
    try:
        stream = AudiogenStream(stream_dir)
        ds = audiogen_data.AudiogenDataset(build)
    except (StreamError, audiogen_data.ManifestError, OSError) as err:
        return fail(str(err))
    if stream.classes != ds.classes:
        return fail(f'the stream has classes {stream.classes}, the build {ds.classes}: make both from one config')
    shape = tuple(ds.sample_shape)
    if len(shape) < 2 or shape[1] != stream.features.shape[1]:
        return fail(f'the build\'s samples are {shape}, the stream\'s frames {stream.features.shape[1]} wide: '
                    'make both from one config (a spectrogram build)')
    try:
        saved = model_for(args, args.model or f'{build}-model.npz')
    except train_numpy.TrainingError as err:
        return fail(str(err))

    frames = shape[0]
    stride = max(1, round(args.stride_ms / stream.frame_step_ms))
    generator = ds.config.get('generator', {})
    times: List[float] = []
    scores: List[np.ndarray] = []
    batch: List[np.ndarray] = []

    def flush() -> None:
        if batch:
            x = normalise(np.stack(batch), generator, ds.dtype).reshape(len(batch), *shape)
            scores.extend(probabilities(saved, x))
            batch.clear()

    for time_ms, window in stream.windows(frames, stride):
        times.append(time_ms)
        batch.append(np.asarray(window))
        if len(batch) == 1024:
            flush()
    flush()
    detections = recognize_commands(times, scores, stream.classes, average_window_ms=args.average_window_ms,
                                    threshold=args.threshold, suppression_ms=args.suppression_ms,
                                    minimum_count=args.minimum_count)
    out = args.detections or f'{stream_dir}-detections.csv'
    write_detections(out, detections)
    print(f'{len(times)} windows of {frames} frames every {stride * stream.frame_step_ms:g} ms over '
          f'{stream.duration_s / 60:.1f} min of stream: {len(detections)} detections -> {out}')

    command = audiogen_command() + ['score', '--labels', os.path.join(stream_dir, 'labels.csv'), '--detections', out,
                                    '--stream', stream_dir, '--rule', args.rule,
                                    '--time-tolerance-ms', str(args.time_tolerance_ms), '--json']
    run = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    if run.returncode != 0:
        return fail(f'{" ".join(command)} failed ({run.returncode}): {run.stderr.strip()}')
    s = json.loads(run.stdout)

    def pct(key: str) -> str:
        return '' if s[key] is None else f' ({s[key]:.1f}%)'

    print(f'{s["ground_truth"]} words, rule {s["rule"]}, tolerance {s["tolerance_ms"]:g} ms '
          '(percentages of the words, as TensorFlow reports them):')
    print(f'correct {s["correct"]}{pct("correct_percent")}, wrong {s["wrong"]}{pct("wrong_percent")}, '
          f'missed {s["missed"]}{pct("missed_percent")}, '
          f'false accepts {s["false_accepts"]} ({s["false_accepts_per_hour"]:.1f} per hour)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
