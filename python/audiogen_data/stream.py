"""Reading a stream made by `audiogen stream` and turning a model's scores into detections.

    from audiogen_data.stream import AudiogenStream, recognize_commands   # or, as before: from audiogen_stream
    s = AudiogenStream("out/stream")                 # features.npy memory-mapped, stream.json, labels.csv
    times, scores = [], []
    for time_ms, window in s.windows(frames_per_example=49, stride=2):
        times.append(time_ms); scores.append(model(window))
    detections = recognize_commands(times, scores, labels=s.classes)   # [(label, time_ms), ...]

`recognize_commands` has the semantics of TensorFlow's RecognizeCommands (speech_commands/recognize_commands.py):
scores averaged over a sliding window, a command reported when its average is above the threshold, differs from
the last reported one and comes long enough after it. Depends on numpy alone.
"""

from __future__ import annotations

import json
import os
from collections import deque
from typing import Iterator, List, Sequence, Tuple

import numpy as np

__all__ = ['SILENCE', 'StreamError', 'AudiogenStream', 'recognize_commands', 'write_detections']

SILENCE = '_silence_'


class StreamError(ValueError):
    """A stream folder that is missing or inconsistent."""


class AudiogenStream:
    """A stream folder: `features` (frames x channels, memory-mapped), its settings and its labels."""

    def __init__(self, root: str) -> None:
        self.root = root
        path = os.path.join(root, 'stream.json')
        try:
            with open(path, 'r', encoding='utf-8') as f:
                self.info = json.load(f)
        except FileNotFoundError:
            raise StreamError(f'{path} does not exist: not a folder made by `audiogen stream`') from None
        if self.info.get('format') != 'audiogen-stream':
            raise StreamError(f'{path}: not an audiogen stream (format {self.info.get("format")!r})')
        features = os.path.join(root, 'features.npy')
        self.features = np.load(features, mmap_mode='r')
        expected = tuple(self.info['features']['shape'])
        if tuple(self.features.shape) != expected:
            raise StreamError(f'{features}: shape {self.features.shape}, stream.json says {expected}')

    @property
    def classes(self) -> List[str]:
        """The config's classes, in label order (a model's score vector follows it)."""
        return list(self.info['classes'])

    @property
    def frame_step_ms(self) -> float:
        return float(self.info['frame_step_ms'])

    @property
    def duration_s(self) -> float:
        return float(self.info['duration_s'])

    def labels(self) -> List[Tuple[str, float, float]]:
        """(label, time_ms, onset_ms) of every placed word, in time order."""
        out = []
        with open(os.path.join(self.root, 'labels.csv'), 'r', encoding='utf-8') as f:
            for line in f:
                parts = [p.strip() for p in line.split(',')]
                if len(parts) >= 3:
                    out.append((parts[0], float(parts[1]), float(parts[2])))
        return out

    def windows(self, frames_per_example: int, stride: int = 1) -> Iterator[Tuple[float, np.ndarray]]:
        """(time_ms, window) for every window of `frames_per_example` frames, `stride` frames apart; time_ms is the
        window's start (its first frame's first sample), as TF's streaming test times its clips."""
        if frames_per_example < 1 or stride < 1:
            raise ValueError('frames_per_example and stride must be at least 1')
        n = self.features.shape[0]
        for start in range(0, n - frames_per_example + 1, stride):
            yield start * self.frame_step_ms, self.features[start : start + frames_per_example]


def recognize_commands(
    times_ms: Sequence[float],
    scores: Sequence[Sequence[float]],
    labels: Sequence[str],
    average_window_ms: float = 1000,
    threshold: float = 0.7,
    suppression_ms: float = 1500,
    minimum_count: int = 3,
) -> List[Tuple[str, float]]:
    """New commands found in a stream of (time, score vector) results, in time order, `_silence_` left out (TF's
    streaming test never counts it). TF's RecognizeCommands, call for call."""
    previous: deque = deque()
    previous_top_label = SILENCE
    previous_top_time = -np.inf
    found: List[Tuple[str, float]] = []
    for time_ms, result in zip(times_ms, scores):
        result = np.asarray(result, dtype=np.float64)
        if result.shape[0] != len(labels):
            raise ValueError(f'a result holds {result.shape[0]} scores for {len(labels)} labels')
        if previous and time_ms < previous[0][0]:
            raise ValueError(f'results must come in time order: {time_ms} after {previous[0][0]}')
        previous.append((time_ms, result))
        time_limit = time_ms - average_window_ms
        while time_limit > previous[0][0]:
            previous.popleft()
        how_many = len(previous)
        if how_many < minimum_count or time_ms - previous[0][0] < average_window_ms / 4:
            continue
        average = np.zeros(len(labels))
        for _, score in previous:
            average += score / how_many
        # Sorted by score, descending, ties keeping label order (Python's sort is stable), as TF sorts.
        top = sorted(range(len(labels)), key=lambda i: average[i], reverse=True)[0]
        top_label, top_score = labels[top], average[top]
        if previous_top_label == SILENCE or previous_top_time == -np.inf:
            since = np.inf
        else:
            since = time_ms - previous_top_time
        if top_score > threshold and top_label != previous_top_label and since > suppression_ms:
            previous_top_label, previous_top_time = top_label, time_ms
            if top_label != SILENCE:
                found.append((top_label, time_ms))
    return found


def write_detections(path: str, detections: Sequence[Tuple[str, float]]) -> None:
    """The detections file `audiogen score --detections` reads: `label, time_ms` lines, no header."""
    with open(path, 'w', encoding='utf-8') as f:
        for label, time_ms in detections:
            f.write(f'{label}, {time_ms:.3f}\n')
