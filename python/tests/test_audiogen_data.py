"""The audiogen_data package and examples/train_numpy.py against real builds made by the audiogen CLI.

Environment:
  AUDIOGEN_SPECTROGRAM_BUILD     an existing spectrogram build to check the numpy example on (else out/demo when
                                 it is complete, else configs/demo.yaml is built into a temporary folder)
  AUDIOGEN_MIN_ACCURACY_FACTOR   accuracy the example must reach on a spectrogram build, as a multiple of chance
                                 (default 2)
"""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
import types
import unittest
from pathlib import Path
from unittest import mock

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # the test helpers beside this file

import audiogen_data as ad  # noqa: E402  (the installed package: see test_package.py)
import spectrogram_stand_in  # noqa: E402

DATASET = REPO / 'fixtures' / 'dataset'
EXAMPLE = REPO / 'examples' / 'train_numpy.py'
FINAL = re.compile(r'^final validation accuracy: (\d\.\d\d) \(chance (\d\.\d\d), (\d+) classes\)$')
TMP = ''


def cli_missing() -> str:
    if not shutil.which('node'):
        return 'node is not on PATH'
    if not (REPO / 'dist' / 'src' / 'cli' / 'main.js').is_file():
        return 'the CLI is not built (run npm install, or npm run build)'
    return ''


def write_config(name: str, classes, generator=None, output=None, dataset=None) -> Path:
    """A JSON config (the CLI reads YAML or JSON) building raw audio from the demo fixtures with one worker."""
    cfg = {
        'dataset': {'directory': str(DATASET), 'classes': classes, 'batch_size': 8, **(dataset or {})},
        'generator': {'frontend_enabled': False, 'cores': 1, **(generator or {})},
        'output': {'directory': os.path.join(TMP, name), **(output or {})},
    }
    path = Path(TMP) / f'{name}.json'
    path.write_text(json.dumps(cfg))
    return path


def build_command(config: Path) -> list:
    return ['node', 'bin/audiogen.js', 'build', '--config', str(config), '--quiet']


def build(name: str, classes, **sections) -> str:
    """Runs `audiogen build` to completion; returns the output directory."""
    config = write_config(name, classes, **sections)
    run = subprocess.run(build_command(config), cwd=REPO, capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        raise AssertionError(f'audiogen build failed ({run.returncode}):\n{run.stderr}')
    return os.path.join(TMP, name)


def run_example(out: str, *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(EXAMPLE), out, *flags], capture_output=True, text=True, timeout=300)


def copy_build(src: str, name: str) -> str:
    dst = os.path.join(TMP, name)
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst)
    return dst


def edit_manifest(out: str, change) -> None:
    path = os.path.join(out, 'manifest.json')
    with open(path) as f:
        m = json.load(f)
    change(m)
    with open(path, 'w') as f:
        json.dump(m, f)


MAIN = ''  # 3 classes, categorical float32 [16000], 3 epochs, 7 samples per shard, training + validation


def setUpModule() -> None:
    global TMP, MAIN
    reason = cli_missing()
    if reason:
        raise unittest.SkipTest(f'cannot run the audiogen CLI: {reason}')
    TMP = tempfile.mkdtemp(prefix='audiogen-py-')
    MAIN = build(
        'main',
        ['yes', 'no', 'up'],
        generator={'validation_split': 0.25},
        output={'epochs': 3, 'samples_per_shard': 7},
    )


def tearDownModule() -> None:
    if TMP:
        shutil.rmtree(TMP, ignore_errors=True)


def shard_files(out: str, subset: str, e: int, kind: str) -> list:
    folder = Path(out) / subset / f'epoch-{e:03d}'
    return sorted(str(p) for p in folder.glob(f'{kind}-*.npy'))


class ReaderTest(unittest.TestCase):
    def setUp(self) -> None:
        self.ds = ad.AudiogenDataset(MAIN)

    def test_describes_the_build_from_its_manifest(self) -> None:
        ds = self.ds
        self.assertEqual(ds.classes, ['yes', 'no', 'up'])
        self.assertEqual(Path(MAIN, 'classes.txt').read_text().splitlines(), ds.classes)
        self.assertEqual(ds.sample_shape, (16000,))
        self.assertEqual(ds.dtype, np.float32)
        self.assertEqual((ds.class_mode, ds.label_mode), ('categorical', 'categorical'))
        self.assertEqual(ds.num_epochs, 3)
        self.assertEqual(ds.subsets, ['training', 'validation'])
        self.assertTrue(ds.complete)
        self.assertIsNone(ds.frontend)
        for subset in ds.subsets:
            self.assertEqual(ds.finished_epochs(subset), [0, 1, 2])
            self.assertEqual(sum(ds.class_counts(subset).values()), ds.samples(subset))
            self.assertEqual(list(ds.epochs(subset)), [0, 1, 2])

    def test_epoch_spans_its_shard_files_in_order(self) -> None:
        for subset in ('training', 'validation'):
            x, y = self.ds.epoch(subset, 1)
            n = self.ds.samples(subset)
            self.assertEqual((x.shape, x.dtype, len(x)), ((n, 16000), np.float32, n))
            self.assertEqual((y.shape, y.dtype), ((n, 3), np.float32))
            files = shard_files(MAIN, subset, 1, 'x')
            self.assertEqual(len(files), -(-n // 7))
            np.testing.assert_array_equal(np.asarray(x), np.concatenate([np.load(f) for f in files]))
            np.testing.assert_array_equal(np.asarray(y), np.concatenate([np.load(f) for f in shard_files(MAIN, subset, 1, 'y')]))

    def test_labels_agree_with_the_index_csv(self) -> None:
        for subset in ('training', 'validation'):
            x, y = self.ds.epoch(subset, 2)
            rows = self.ds.index(subset, 2)
            self.assertEqual([r['position'] for r in rows], list(range(len(x))))
            yv = np.asarray(y)
            np.testing.assert_array_equal(yv.sum(axis=1), np.ones(len(x)))  # one-hot
            ids = self.ds.ids_of(yv)
            self.assertEqual(ids.tolist(), [r['label'] for r in rows])
            self.assertEqual([self.ds.classes[i] for i in ids], [r['class'] for r in rows])
            np.testing.assert_array_equal(self.ds.label_ids(subset, 2), ids)
            self.assertTrue(all(0.0 <= r['offset'] <= 1.0 and r['file'].endswith('.wav') for r in rows))
            counts = {c: int((ids == i).sum()) for i, c in enumerate(self.ds.classes)}
            self.assertEqual(counts, self.ds.class_counts(subset))

    def test_view_indexes_like_the_concatenated_array_across_shard_boundaries(self) -> None:
        x, _ = self.ds.epoch('training', 0)
        full = np.asarray(x)
        n = len(full)
        for i in (0, 6, 7, 8, 13, 14, n - 1, -1, -7, -n):
            np.testing.assert_array_equal(x[i], full[i], err_msg=f'row {i}')
        for s in (slice(5, 9), slice(6, 8), slice(7, 14), slice(0, n), slice(3, 50, 4), slice(None, None, -1),
                  slice(n - 3, n + 10), slice(10, 5), slice(-9, -2)):
            np.testing.assert_array_equal(x[s], full[s], err_msg=f'slice {s}')
        picks = [13, 0, 7, 53, 7, -1]
        np.testing.assert_array_equal(x[picks], full[picks])
        np.testing.assert_array_equal(x[np.array([[1, 8], [15, 2]])], full[np.array([[1, 8], [15, 2]])])
        mask = np.arange(n) % 5 == 1
        np.testing.assert_array_equal(x[mask], full[mask])
        np.testing.assert_array_equal(x[5:9, 100:110], full[5:9, 100:110])
        self.assertEqual(x[8, 123], full[8, 123])
        np.testing.assert_array_equal(x[..., 7], full[..., 7])
        self.assertEqual(np.asarray(x, dtype=np.float64).dtype, np.float64)
        np.testing.assert_array_equal(np.stack(list(x)), full)
        for bad in (n, -n - 1):
            with self.assertRaises(IndexError):
                x[bad]
        with self.assertRaises(IndexError):
            x[[0, n]]

    def test_rows_inside_a_shard_are_views_of_the_mapped_file(self) -> None:
        x, _ = self.ds.epoch('training', 0)
        row, block = x[9], x[8:12]
        self.assertFalse(row.flags.writeable or row.flags.owndata)
        self.assertFalse(block.flags.owndata)

    def test_shards_are_mapped_only_when_their_rows_are_read(self) -> None:
        out = copy_build(MAIN, 'lazy')
        last = shard_files(out, 'training', 0, 'x')[-1]
        os.unlink(last)
        x, _ = ad.AudiogenDataset(out).epoch('training', 0)
        self.assertEqual(x.shape[0], 54)
        np.testing.assert_array_equal(x[:49], np.asarray(ad.AudiogenDataset(MAIN).epoch('training', 0)[0])[:49])
        with self.assertRaises(FileNotFoundError):
            x[-1]

    def test_view_pickles_as_paths_and_reads_the_same_rows(self) -> None:
        x, y = self.ds.epoch('validation', 0)
        x[0]  # maps a shard
        x2, y2 = pickle.loads(pickle.dumps((x, y)))
        self.assertLess(len(pickle.dumps(x)), 10_000)
        np.testing.assert_array_equal(np.asarray(x2), np.asarray(x))
        np.testing.assert_array_equal(np.asarray(y2), np.asarray(y))

    def test_batches_cover_the_epoch_in_order_or_shuffled(self) -> None:
        x, y = self.ds.epoch('training', 0)
        full_x, full_y = np.asarray(x), np.asarray(y)
        batches = list(self.ds.batches('training', 0, 8))
        self.assertEqual([len(b[0]) for b in batches], [8] * 6 + [6])
        np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]), full_x)
        np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), full_y)
        self.assertTrue(all(b[0].flags.writeable for b in batches))
        self.assertEqual([len(b[0]) for b in self.ds.batches('training', 0, 8, drop_last=True)], [8] * 6)

        shuffled = list(self.ds.batches('training', 0, 8, shuffle=True, seed=5, dtype=np.float64))
        order = np.random.default_rng(5).permutation(len(x))
        np.testing.assert_array_equal(np.concatenate([b[0] for b in shuffled]), full_x[order].astype(np.float64))
        np.testing.assert_array_equal(np.concatenate([b[1] for b in shuffled]), full_y[order])
        again = list(self.ds.batches('training', 0, 8, shuffle=True, seed=5))
        np.testing.assert_array_equal(again[0][0], shuffled[0][0].astype(np.float32))
        other = next(self.ds.batches('training', 0, 8, shuffle=True, seed=6))
        self.assertFalse(np.array_equal(other[0], again[0][0]))
        with self.assertRaises(ValueError):
            next(self.ds.batches('training', 0, 0))

    def test_each_epoch_has_its_own_order_and_draws(self) -> None:
        rows0, rows1 = self.ds.index('training', 0), self.ds.index('training', 1)
        self.assertNotEqual([r['file'] for r in rows0], [r['file'] for r in rows1])
        self.assertEqual(sorted(r['file'] for r in rows0), sorted(r['file'] for r in rows1))
        offsets = {r['file']: r['offset'] for r in rows0}
        self.assertTrue(any(offsets[r['file']] != r['offset'] for r in rows1))

    def test_missing_subset_or_epoch_is_a_clear_error(self) -> None:
        with self.assertRaisesRegex(ValueError, "no 'testing' subset .*training, validation"):
            self.ds.epoch('testing', 0)
        with self.assertRaisesRegex(LookupError, 'training epoch 3 is not in the build .finished: 3 of 3'):
            self.ds.epoch('training', 3)


class LabelFormatTest(unittest.TestCase):
    """Sparse int32 labels with 2-D int16 samples, and a build without labels."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.sparse = build(
            'sparse',
            ['yes', 'no'],
            dataset={'class_mode': 'sparse'},
            generator={'dtype': 'int16', 'sample_shape': [100, 160]},
            output={'epochs': 1, 'samples_per_shard': 9},
        )
        cls.unlabelled = build('unlabelled', ['up', 'down'], dataset={'class_mode': None}, output={'epochs': 1})

    def test_sparse_labels_are_int32_ids(self) -> None:
        ds = ad.AudiogenDataset(self.sparse)
        self.assertEqual((ds.class_mode, ds.dtype, ds.sample_shape, ds.subsets), ('sparse', np.int16, (100, 160), ['training']))
        x, y = ds.epoch('training', 0)
        self.assertEqual((x.shape[1:], x.dtype, y.shape, y.dtype), ((100, 160), np.int16, (len(x),), np.int32))
        np.testing.assert_array_equal(np.asarray(x), np.concatenate([np.load(f) for f in shard_files(self.sparse, 'training', 0, 'x')]))
        self.assertEqual(ds.ids_of(y).tolist(), [r['label'] for r in ds.index('training', 0)])
        self.assertGreater(np.abs(np.asarray(x[:5], dtype=np.int32)).max(), 1000)  # int16 PCM, not [-1, 1]
        self.assertEqual(ds.verify(), [])

    def test_build_without_labels_has_no_y(self) -> None:
        ds = ad.AudiogenDataset(self.unlabelled)
        self.assertIsNone(ds.class_mode)
        self.assertFalse(ds.has_labels)
        x, y = ds.epoch('training', 0)
        self.assertIsNone(y)
        self.assertEqual(shard_files(self.unlabelled, 'training', 0, 'y'), [])
        xb, yb = next(ds.batches('training', 0, 4))
        self.assertEqual((xb.shape, yb), ((4, 16000), None))
        self.assertEqual(ds.label_ids('training', 0).tolist(), [r['label'] for r in ds.index('training', 0)])
        self.assertEqual(ds.verify(), [])
        with self.assertRaisesRegex(ValueError, 'no labels'):
            ds.ids_of(np.zeros(3))

    def test_example_refuses_a_build_without_validation_or_labels(self) -> None:
        run = run_example(self.sparse)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn('no validation subset', run.stderr)
        run = run_example(self.unlabelled)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn('has no labels', run.stderr)


class VerifyTest(unittest.TestCase):
    def test_intact_build_passes(self) -> None:
        self.assertEqual(ad.AudiogenDataset(MAIN).verify(), [])

    def test_flipped_byte_is_named_with_its_sha256(self) -> None:
        out = copy_build(MAIN, 'flipped')
        victim = 'training/epoch-001/x-003.npy'
        path = os.path.join(out, victim)
        with open(path, 'r+b') as f:
            f.seek(5000)
            b = f.read(1)
            f.seek(5000)
            f.write(bytes([b[0] ^ 0x10]))
        ds = ad.AudiogenDataset(out)
        with self.assertRaises(ad.VerifyError) as caught:
            ds.verify()
        self.assertEqual([p.path for p in caught.exception.problems], [victim])
        self.assertIn(victim, str(caught.exception))
        self.assertIn('sha256', str(caught.exception))
        self.assertEqual(len(ds.verify(raise_on_error=False)), 1)
        self.assertEqual(ds.verify(subsets=['validation']), [])
        cli = subprocess.run([sys.executable, '-m', 'audiogen_data', out], capture_output=True, text=True)
        self.assertNotEqual(cli.returncode, 0)
        self.assertIn(victim, cli.stderr)

    def test_truncated_and_missing_files_are_named_with_the_reason(self) -> None:
        out = copy_build(MAIN, 'truncated')
        short = 'validation/epoch-002/y-001.npy'
        with open(os.path.join(out, short), 'r+b') as f:
            f.truncate(100)
        gone = 'training/epoch-000/index-002.csv'
        os.unlink(os.path.join(out, gone))
        problems = {p.path: p.reason for p in ad.AudiogenDataset(out).verify(raise_on_error=False)}
        self.assertEqual(set(problems), {short, gone})
        self.assertRegex(problems[short], r'^size 100 bytes, the manifest says \d+')
        self.assertEqual(problems[gone], 'missing')

    def test_newer_format_version_is_refused(self) -> None:
        out = copy_build(MAIN, 'newer')
        edit_manifest(out, lambda m: m.update(format_version=2))
        with self.assertRaisesRegex(ad.ManifestError, 'format_version 2, newer than the 1 this reader knows'):
            ad.AudiogenDataset(out)

    def test_a_file_that_is_not_an_audiogen_manifest_is_refused(self) -> None:
        out = copy_build(MAIN, 'foreign')
        edit_manifest(out, lambda m: m.update(format='something-else'))
        with self.assertRaisesRegex(ad.ManifestError, "not an audiogen manifest .format: 'something-else'"):
            ad.AudiogenDataset(out)
        Path(out, 'manifest.json').write_text('{"format": "audiogen", "format_ver')
        with self.assertRaisesRegex(ad.ManifestError, 'cannot be read as JSON'):
            ad.AudiogenDataset(out)
        with self.assertRaisesRegex(ad.ManifestNotFound, 'does not exist'):
            ad.AudiogenDataset(TMP)


class FollowTest(unittest.TestCase):
    def test_follows_a_running_build_epoch_by_epoch(self) -> None:
        epochs = 8
        config = write_config(
            'follow',
            ['yes', 'no', 'up'],
            generator={'validation_split': 0.25},
            output={'epochs': epochs, 'samples_per_shard': 5},
        )
        out = os.path.join(TMP, 'follow')
        with open(os.path.join(TMP, 'follow.log'), 'w+') as log:
            proc = subprocess.Popen(build_command(config), cwd=REPO, stdout=log, stderr=log)
            # A trainer following the same build, as a user would run it.
            trainer = subprocess.Popen([sys.executable, str(EXAMPLE), out, '--follow', '--timeout', '60'],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                ds = ad.AudiogenDataset(out, wait=60, poll=0.05)
                seen, running = [], []
                for e in ds.epochs('training', follow=True, timeout=60, poll=0.05):
                    running.append(proc.poll() is None)
                    x, y = ds.epoch('training', e)
                    self.assertEqual(x.shape, (54, 16000))
                    self.assertEqual(ds.ids_of(y[-5:]).tolist(), [r['label'] for r in ds.index('training', e)][-5:])
                    seen.append(e)
                code = proc.wait(timeout=120)
                trained, trainer_errors = trainer.communicate(timeout=120)
            finally:
                for p in (proc, trainer):
                    if p.poll() is None:
                        p.kill()
                        p.wait()
            log.seek(0)
            self.assertEqual(code, 0, log.read())
        self.assertEqual(trainer.returncode, 0, trainer_errors)
        self.assertEqual(len(re.findall(r'^epoch \d+/8: ', trained, re.M)), 8, trained)
        self.assertRegex(trained.splitlines()[-1], FINAL)
        self.assertEqual(seen, list(range(epochs)))
        self.assertTrue(any(running), 'every epoch was seen only after the build had finished')
        ds.refresh()
        self.assertTrue(ds.complete)
        self.assertEqual(list(ds.epochs('validation', follow=True, timeout=5)), list(range(epochs)))
        self.assertEqual(ds.verify(), [])

    def test_follow_times_out_when_the_build_stops_making_progress(self) -> None:
        out = copy_build(MAIN, 'stalled')

        def stall(m):
            m['complete'] = False
            m['subsets']['training']['epochs'] = m['subsets']['training']['epochs'][:1]

        edit_manifest(out, stall)
        ds = ad.AudiogenDataset(out)
        got = []
        with self.assertRaisesRegex(TimeoutError, 'no new training epoch in 0.3 s: waiting for epoch 1 of 3'):
            for e in ds.epochs('training', follow=True, timeout=0.3, poll=0.05):
                got.append(e)
        self.assertEqual(got, [0])
        self.assertEqual(list(ds.epochs('training')), [0])

    def test_follow_refuses_a_directory_rebuilt_from_another_config(self) -> None:
        out = copy_build(MAIN, 'replaced')
        edit_manifest(out, lambda m: m.update(complete=False))
        ds = ad.AudiogenDataset(out)
        edit_manifest(out, lambda m: m.update(config_hash='0' * 64))
        with self.assertRaisesRegex(ad.ManifestError, 'different config'):
            ds.refresh()


def torch_stand_in() -> dict:
    """sys.modules entries for a minimal torch: Dataset, from_numpy and tensor return ('tensor', array)."""
    torch = types.ModuleType('torch')
    data = types.ModuleType('torch.utils.data')
    data.Dataset = type('Dataset', (), {})
    torch.utils = types.ModuleType('torch.utils')
    torch.utils.data = data
    torch.from_numpy = lambda a: ('tensor', a)
    torch.tensor = lambda v, dtype=None: ('tensor', np.asarray(v, dtype=dtype))
    torch.int64 = np.int64
    return {'torch': torch, 'torch.utils': torch.utils, 'torch.utils.data': data}


class KerasPyDataset:
    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self.workers = workers


def keras_stand_in() -> dict:
    keras = types.ModuleType('keras')
    keras.utils = types.SimpleNamespace(PyDataset=KerasPyDataset)
    return {'keras': keras}


def tf_stand_in() -> dict:
    tf = types.ModuleType('tensorflow')
    tf.TensorSpec = lambda shape, dtype: ('spec', tuple(shape), dtype)
    tf.as_dtype = np.dtype
    tf.data = types.SimpleNamespace(Dataset=types.SimpleNamespace(from_generator=lambda g, output_signature: (g, output_signature)))
    return {'tensorflow': tf}


class AdapterTest(unittest.TestCase):
    """The framework adapters against minimal stand-ins of torch, keras and tf (the real ones are not installed)."""

    def setUp(self) -> None:
        self.ds = ad.AudiogenDataset(MAIN)
        self.x, self.y = (np.asarray(a) for a in self.ds.epoch('training', 0))

    def test_torch_dataset_items_and_pickling(self) -> None:
        modules = torch_stand_in()
        data = modules['torch.utils.data']
        with mock.patch.dict(sys.modules, modules):
            td = self.ds.torch_dataset('training', 0, x_dtype='float64')
            self.assertIsInstance(td, data.Dataset)
            self.assertEqual(len(td), 54)
            (_, xi), (_, label) = td[8]
            np.testing.assert_array_equal(xi, self.x[8].astype(np.float64))
            self.assertEqual((xi.dtype, xi.flags.writeable), (np.float64, True))
            self.assertEqual(int(label), int(np.argmax(self.y[8])))
            again = pickle.loads(pickle.dumps(td))
            np.testing.assert_array_equal(again[20][0][1], td[20][0][1])
            (_, raw) = self.ds.torch_dataset('training', 0, target='y')[3][1]
            np.testing.assert_array_equal(raw, self.y[3])

    def test_keras_sequence_batches_and_reshuffles(self) -> None:
        with mock.patch.dict(sys.modules, keras_stand_in()):
            seq = self.ds.keras_sequence('training', 0, 8, shuffle=True, seed=3, workers=2)
            self.assertIsInstance(seq, KerasPyDataset)
            self.assertEqual((len(seq), seq.workers), (7, 2))
            order = np.random.default_rng(3).permutation(54)
            xs, ys = zip(*(seq[i] for i in range(len(seq))))
            np.testing.assert_array_equal(np.concatenate(xs), self.x[order])
            np.testing.assert_array_equal(np.concatenate(ys), self.y[order])
            with self.assertRaises(IndexError):
                seq[7]
            seq.on_epoch_end()
            np.testing.assert_array_equal(seq[0][0], self.x[np.random.default_rng(4).permutation(54)[:8]])
            self.assertEqual(pickle.loads(pickle.dumps(seq))[0][0].shape, (8, 16000))

    def test_tf_dataset_signature_and_elements(self) -> None:
        with mock.patch.dict(sys.modules, tf_stand_in()):
            gen, signature = self.ds.tf_dataset('training', 0, batch_size=16)
            self.assertEqual(signature, (('spec', (None, 16000), np.float32), ('spec', (None, 3), np.float32)))
            got = list(gen())
            self.assertEqual([len(b[0]) for b in got], [16, 16, 16, 6])
            np.testing.assert_array_equal(np.concatenate([b[1] for b in got]), self.y)
            gen, signature = self.ds.tf_dataset('validation', 0)
            self.assertEqual(signature[0], ('spec', (16000,), np.float32))
            first = next(gen())
            np.testing.assert_array_equal(first[0], np.asarray(self.ds.epoch('validation', 0)[0][0]))


def final_line(run: subprocess.CompletedProcess):
    lines = run.stdout.strip().splitlines()
    # The last line, or the one before a build's testing accuracy.
    finals = [FINAL.match(line) for line in lines[-2:]]
    match = next((m for m in finals if m), None)
    if not match:
        raise AssertionError(f'no final accuracy line in:\n{run.stdout}\n{run.stderr}')
    return float(match.group(1)), float(match.group(2)), int(match.group(3)), lines


def chance_of(out: str) -> float:
    counts = ad.AudiogenDataset(out).class_counts('validation')
    return max(counts.values()) / sum(counts.values())


class TestingSubsetTest(unittest.TestCase):
    """A build with a testing subset (generator.testing_split): the reader, its adapters and the numpy example."""

    out = ''

    @classmethod
    def setUpClass(cls) -> None:
        cls.out = build(
            'three',
            ['yes', 'no', 'up'],
            generator={'validation_split': 0.2, 'testing_split': 0.2},
            output={'epochs': 2, 'samples_per_shard': 5},
        )

    def setUp(self) -> None:
        self.ds = ad.AudiogenDataset(self.out)

    def test_reads_the_testing_subset_like_the_others(self) -> None:
        ds = self.ds
        self.assertEqual(ds.subsets, ['training', 'validation', 'testing'])
        self.assertEqual(ds.finished_epochs('testing'), [0, 1])
        self.assertEqual(ds.verify(subsets=['testing']), [])
        n = ds.samples('testing')
        self.assertGreater(n, 5)
        x, y = ds.epoch('testing', 1)
        self.assertEqual((x.shape, y.shape), ((n, 16000), (n, 3)))
        files = shard_files(self.out, 'testing', 1, 'x')
        self.assertEqual(len(files), -(-n // 5))
        np.testing.assert_array_equal(np.asarray(x), np.concatenate([np.load(f) for f in files]))
        rows = ds.index('testing', 1)
        self.assertEqual(ds.label_ids('testing', 1).tolist(), [r['label'] for r in rows])
        self.assertEqual({c: sum(r['class'] == c for r in rows) for c in ds.classes}, ds.class_counts('testing'))
        # Testing samples are the clips as recorded: the identity transform.
        self.assertTrue(all(r['offset'] == 0 and r['noise'] == 'none' and r['speed'] == 1 for r in rows))
        # No clip of the testing subset is in another subset.
        others = {r['file'] for s in ('training', 'validation') for r in ds.index(s, 0)}
        self.assertFalse(others & {r['file'] for r in rows})
        batches = list(ds.batches('testing', 0, batch_size=4))
        self.assertEqual(sum(len(b[0]) for b in batches), n)

    def test_adapters_serve_the_testing_subset(self) -> None:
        x, y = (np.asarray(a) for a in self.ds.epoch('testing', 0))
        with mock.patch.dict(sys.modules, torch_stand_in()):
            td = self.ds.torch_dataset('testing', 0)
            self.assertEqual(len(td), len(x))
            (_, xi), (_, label) = td[2]
            np.testing.assert_array_equal(xi, x[2])
            self.assertEqual(int(label), int(np.argmax(y[2])))
        with mock.patch.dict(sys.modules, keras_stand_in()):
            seq = self.ds.keras_sequence('testing', 0, 4)
            np.testing.assert_array_equal(np.concatenate([seq[i][0] for i in range(len(seq))]), x)
        with mock.patch.dict(sys.modules, tf_stand_in()):
            gen, signature = self.ds.tf_dataset('testing', 0, batch_size=4)
            self.assertEqual(signature[1], ('spec', (None, 3), np.float32))
            np.testing.assert_array_equal(np.concatenate([b[1] for b in gen()]), y)

    def test_the_numpy_example_reports_testing_accuracy_last(self) -> None:
        run = run_example(self.out)
        self.assertEqual(run.returncode, 0, run.stderr)
        acc, _, classes, lines = final_line(run)
        self.assertEqual(classes, 3)
        match = re.match(r'^testing accuracy: (\d\.\d\d) \((\d+) samples of testing epoch 0\)$', lines[-1])
        self.assertIsNotNone(match, run.stdout)
        self.assertEqual(int(match.group(2)), self.ds.samples('testing'))
        self.assertTrue(0.0 <= float(match.group(1)) <= 1.0 and 0.0 <= acc <= 1.0)


class NumpyExampleTest(unittest.TestCase):
    factor = float(os.environ.get('AUDIOGEN_MIN_ACCURACY_FACTOR', '2'))

    def test_trains_on_a_raw_audio_build(self) -> None:
        """Flattened raw audio gives a linear-ish model little to learn (about chance): only the run is checked."""
        run = run_example(MAIN, '--seed', '1')
        self.assertEqual(run.returncode, 0, run.stderr)
        acc, chance, classes, lines = final_line(run)
        self.assertEqual(classes, 3)
        self.assertAlmostEqual(chance, round(chance_of(MAIN), 2))
        self.assertTrue(0.0 <= acc <= 1.0)
        self.assertEqual(len([l for l in lines if l.startswith('epoch ')]), 3)

    def test_beats_chance_on_spectrogram_shaped_stand_ins(self) -> None:
        """uint16 [frames, channels, 1] and int8 [frames, channels] log-mel stand-ins (numpy, not the frontend)."""
        for dtype, channel in (('uint16', True), ('int8', False)):
            out = spectrogram_stand_in.derive(MAIN, os.path.join(TMP, f'stand-in-{dtype}'), dtype, channel)
            ds = ad.AudiogenDataset(out)
            self.assertEqual(ds.verify(), [])
            self.assertEqual((ds.dtype, len(ds.sample_shape)), (np.dtype(dtype), 3 if channel else 2))
            run = run_example(out, '--passes', '3')
            self.assertEqual(run.returncode, 0, run.stderr)
            acc, chance, _, _ = final_line(run)
            self.assertGreater(acc, min(0.95, self.factor * chance), run.stdout)

    def test_beats_chance_on_the_demo_build(self) -> None:
        """The README's loop: `audiogen build --config configs/demo.yaml`, then `python3 examples/train_numpy.py out/demo`."""
        out = os.environ.get('AUDIOGEN_SPECTROGRAM_BUILD')
        demo = REPO / 'out' / 'demo'
        if not out and (demo / 'manifest.json').exists() and ad.AudiogenDataset(str(demo)).complete:
            out = str(demo)  # CI bakes it with the README's first command before `npm test`
        if not out:
            out = os.path.join(TMP, 'demo')
            command = build_command(REPO / 'configs' / 'demo.yaml') + ['--out', out]
            run = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
            self.assertEqual(run.returncode, 0, run.stderr)
        ds = ad.AudiogenDataset(out)
        self.assertGreaterEqual(len(ds.sample_shape), 2, 'expected a spectrogram build')
        self.assertEqual(ds.verify(), [])
        run = run_example(out)
        self.assertEqual(run.returncode, 0, run.stderr)
        acc, chance, classes, _ = final_line(run)
        self.assertEqual(classes, 8)
        self.assertGreater(acc, self.factor * chance, run.stdout)


if __name__ == '__main__':
    unittest.main()
