"""examples/stream_eval.py end to end: a demo build, a short demo stream made by the audiogen CLI, the numpy
example's model over it, detections scored by `audiogen score`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / 'examples' / 'stream_eval.py'
DEMO = REPO / 'configs' / 'demo.yaml'
FIGURES = re.compile(
    r'^correct (\d+) \((\d+\.\d)%\), wrong (\d+) \((\d+\.\d)%\), missed (\d+) \((\d+\.\d)%\), '
    r'false accepts (\d+) \((\d+\.\d) per hour\)$',
    re.M,
)
TMP = ''


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(['node', 'bin/audiogen.js', *args], cwd=REPO, capture_output=True, text=True, timeout=600)


def example(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(EXAMPLE), *args], capture_output=True, text=True, timeout=600)


def setUpModule() -> None:
    global TMP
    if not shutil.which('node') or not (REPO / 'dist' / 'src' / 'cli' / 'main.js').is_file():
        raise unittest.SkipTest('cannot run the audiogen CLI: node or the built dist/ is missing (npm run build)')
    TMP = tempfile.mkdtemp(prefix='audiogen-stream-eval-')


def tearDownModule() -> None:
    if TMP:
        shutil.rmtree(TMP, ignore_errors=True)


class StreamEvalTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.build = os.path.join(TMP, 'demo')
        cls.stream = os.path.join(TMP, 'demo-stream')
        for args in (
            ['build', '--config', str(DEMO), '--out', cls.build, '--quiet'],
            ['stream', '--config', str(DEMO), '--out', cls.stream, '--duration-s', '90', '--quiet'],
        ):
            run = cli(*args)
            if run.returncode != 0:
                raise AssertionError(f'audiogen {args[0]} failed ({run.returncode}):\n{run.stderr}')

    def test_prints_correct_wrong_missed_and_false_accepts_per_hour_as_audiogen_score_counts_them(self) -> None:
        model = os.path.join(TMP, 'model.npz')
        detections = os.path.join(TMP, 'detections.csv')
        # A lower threshold than TF's 0.7: the demo's small model is rarely that sure (see the README).
        flags = ('--model', model, '--detections', detections, '--threshold', '0.4')
        run = example(self.build, self.stream, *flags)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn('final validation accuracy', run.stdout, 'it trains the numpy example first')
        self.assertIn(f'model: trained and saved to {model}', run.stdout)
        self.assertRegex(run.stdout, r'2226 windows of 49 frames every 40 ms over 1\.5 min of stream')
        m = FIGURES.search(run.stdout)
        self.assertIsNotNone(m, run.stdout)
        correct, _, wrong, _, missed, _, false_accepts, per_hour = m.groups()

        # The detections file is what score reads, and the figures are score's.
        with open(detections) as f:
            lines = [line for line in f if line.strip()]
        self.assertGreater(len(lines), 0, run.stdout)
        for line in lines:
            self.assertRegex(line, r'^[\w]+, \d+\.\d{3}$')
        score = cli('score', '--labels', os.path.join(self.stream, 'labels.csv'), '--detections', detections, '--json')
        self.assertEqual(score.returncode, 0, score.stderr)
        s = json.loads(score.stdout)
        self.assertEqual(s['ground_truth'], 30, '90 s of 3 s word slots')
        self.assertEqual(s['detections'], len(lines))
        self.assertEqual(
            (int(correct), int(wrong), int(missed), int(false_accepts)),
            (s['correct'], s['wrong'], s['missed'], s['false_accepts']),
        )
        self.assertAlmostEqual(float(per_hour), s['false_accepts_per_hour'], places=1)

        # A second run reuses the saved model and finds the same detections.
        with open(detections) as f:
            first = f.read()
        again = example(self.build, self.stream, *flags)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn('(trained earlier; --retrain to train again)', again.stdout)
        self.assertNotIn('final validation accuracy', again.stdout)
        with open(detections) as f:
            self.assertEqual(f.read(), first)

    def test_refuses_a_stream_of_another_config(self) -> None:
        other = os.path.join(TMP, 'other-stream')
        config = os.path.join(TMP, 'other.json')
        with open(config, 'w') as f:
            json.dump({'dataset': {'directory': str(REPO / 'fixtures' / 'dataset'), 'classes': ['yes', 'no']},
                       'generator': {'validation_split': 0.2}, 'output': {'directory': os.path.join(TMP, 'x')}}, f)
        run = cli('stream', '--config', config, '--out', other, '--duration-s', '10', '--quiet')
        self.assertEqual(run.returncode, 0, run.stderr)
        run = example(self.build, other, '--model', os.path.join(TMP, 'unused.npz'))
        self.assertEqual(run.returncode, 2)
        self.assertIn("the stream has classes ['yes', 'no'], the build", run.stderr)


if __name__ == '__main__':
    unittest.main()
