"""audiogen_data.stream: reading a stream folder, and recognize_commands against TensorFlow's RecognizeCommands."""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
import unittest
from collections import deque

import numpy as np

import audiogen_data.stream as st


class TfRecognizeCommands:
    """A line-by-line port of TensorFlow's RecognizeCommands.process_latest_result (speech_commands)."""

    def __init__(self, labels, average_window_duration_ms, detection_threshold, suppression_ms, minimum_count):
        self._labels = labels
        self._average_window_duration_ms = average_window_duration_ms
        self._detection_threshold = detection_threshold
        self._suppression_ms = suppression_ms
        self._minimum_count = minimum_count
        self._previous_results = deque()
        self._label_count = len(labels)
        self._previous_top_label = '_silence_'
        self._previous_top_time = -np.inf

    def process_latest_result(self, latest_results, current_time_ms):
        self._previous_results.append([current_time_ms, latest_results])
        time_limit = current_time_ms - self._average_window_duration_ms
        while time_limit > self._previous_results[0][0]:
            self._previous_results.popleft()
        how_many_results = self._previous_results.__len__()
        earliest_time = self._previous_results[0][0]
        sample_duration = current_time_ms - earliest_time
        if how_many_results < self._minimum_count or sample_duration < self._average_window_duration_ms / 4:
            return self._previous_top_label, False
        average_scores = np.zeros(self._label_count)
        for item in self._previous_results:
            score = item[1]
            for i in range(score.size):
                average_scores[i] += score[i] / how_many_results
        ranked = sorted([[i, average_scores[i]] for i in range(self._label_count)], key=lambda p: p[1], reverse=True)
        current_top_label = self._labels[ranked[0][0]]
        current_top_score = ranked[0][1]
        if self._previous_top_label == '_silence_' or self._previous_top_time == -np.inf:
            time_since_last_top = np.inf
        else:
            time_since_last_top = current_time_ms - self._previous_top_time
        if (
            current_top_score > self._detection_threshold
            and current_top_label != self._previous_top_label
            and time_since_last_top > self._suppression_ms
        ):
            self._previous_top_label = current_top_label
            self._previous_top_time = current_time_ms
            return current_top_label, True
        return current_top_label, False


class RecognizeCommandsTest(unittest.TestCase):
    def test_matches_tensorflow_on_random_score_streams(self) -> None:
        labels = ['_silence_', '_unknown_', 'yes', 'no']
        found = 0
        for seed in range(40):
            r = random.Random(seed)
            times = sorted(r.uniform(0, 30000) for _ in range(r.randrange(0, 300)))
            # Mostly one label at a time, with noise, so commands are found and suppressed.
            scores = []
            for _ in times:
                v = np.array([r.random() * 0.3 for _ in labels])
                v[r.choice([0, 0, 1, 2, 3])] += r.random() * 2
                scores.append(v / v.sum())
            params = dict(average_window_ms=r.choice([500, 1000]), threshold=r.choice([0.5, 0.7]), suppression_ms=r.choice([0, 1500]), minimum_count=r.choice([1, 3]))
            tf = TfRecognizeCommands(labels, params['average_window_ms'], params['threshold'], params['suppression_ms'], params['minimum_count'])
            expected = []
            for t, s in zip(times, scores):
                label, new = tf.process_latest_result(s, t)
                if new and label != '_silence_':
                    expected.append((label, t))
            self.assertEqual(st.recognize_commands(times, scores, labels, **params), expected, f'seed {seed}')
            found += len(expected)
        self.assertGreater(found, 50, 'the random streams must hold commands to find')

    def test_refuses_scores_of_the_wrong_size_and_times_out_of_order(self) -> None:
        with self.assertRaisesRegex(ValueError, 'holds 2 scores for 3 labels'):
            st.recognize_commands([0], [[0.5, 0.5]], ['a', 'b', 'c'])
        with self.assertRaisesRegex(ValueError, 'time order'):
            st.recognize_commands([100, 50], [[1.0], [1.0]], ['a'], minimum_count=1)


class OldNameTest(unittest.TestCase):
    def test_the_old_module_name_is_the_same_module(self) -> None:
        import audiogen_stream

        self.assertIs(audiogen_stream, st)
        self.assertIs(audiogen_stream.recognize_commands, st.recognize_commands)
        self.assertIs(audiogen_stream.AudiogenStream, st.AudiogenStream)


class StreamFolderTest(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = tempfile.mkdtemp(prefix='audiogen-stream-py-')
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.features = np.arange(100 * 4, dtype=np.uint16).reshape(100, 4)
        np.save(os.path.join(self.dir, 'features.npy'), self.features)
        info = dict(format='audiogen-stream', classes=['yes', 'no', '_unknown_'], frame_step_ms=10, duration_s=1.0,
                    features=dict(shape=[100, 4], dtype='uint16'))
        with open(os.path.join(self.dir, 'stream.json'), 'w') as f:
            json.dump(info, f)
        with open(os.path.join(self.dir, 'labels.csv'), 'w') as f:
            f.write('yes, 100.000000, 180.000000\n_unknown_, 600.500000, 610.000000\n')

    def test_windows_start_at_their_first_frame_and_cover_the_stream(self) -> None:
        s = st.AudiogenStream(self.dir)
        got = list(s.windows(frames_per_example=49, stride=10))
        self.assertEqual([t for t, _ in got], [0.0, 100.0, 200.0, 300.0, 400.0, 500.0])
        np.testing.assert_array_equal(got[2][1], self.features[20:69])
        self.assertEqual(s.classes, ['yes', 'no', '_unknown_'])
        self.assertEqual(s.labels(), [('yes', 100.0, 180.0), ('_unknown_', 600.5, 610.0)])

    def test_a_folder_that_is_not_a_stream_is_named(self) -> None:
        empty = os.path.join(self.dir, 'empty')
        os.mkdir(empty)
        with self.assertRaisesRegex(st.StreamError, 'not a folder made by `audiogen stream`'):
            st.AudiogenStream(empty)
        np.save(os.path.join(self.dir, 'features.npy'), self.features[:50])
        with self.assertRaisesRegex(st.StreamError, r'shape \(50, 4\), stream.json says \(100, 4\)'):
            st.AudiogenStream(self.dir)

    def test_detections_are_written_as_score_reads_them(self) -> None:
        path = os.path.join(self.dir, 'detections.csv')
        st.write_detections(path, [('yes', 1000.0), ('no', 2500.25)])
        with open(path) as f:
            self.assertEqual(f.read(), 'yes, 1000.000\nno, 2500.250\n')


if __name__ == '__main__':
    unittest.main()
