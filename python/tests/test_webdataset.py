"""audiogen_data.webdataset: the streaming tar reader on the committed fixture tars, from files, a pipe, standard
input and HTTP, and Python's own tarfile reading the fixtures as the format says."""

from __future__ import annotations

import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import unittest
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audiogen_data import WebDatasetError, webdataset_iter  # noqa: E402
from audiogen_data.webdataset import decode_npy, expand_urls, parse_key, split_member  # noqa: E402
from fixture_builds import NPY, SAMPLES, UNLABELLED, WDS, first_value  # noqa: E402


def tars(build: Path, subset: str, epoch: int) -> list:
    return sorted(str(p) for p in (build / subset / f'epoch-{epoch:03d}').glob('shard-*.tar'))


def npy_epoch(subset: str, epoch: int):
    folder = NPY / subset / f'epoch-{epoch:03d}'
    x = np.concatenate([np.load(p) for p in sorted(folder.glob('x-*.npy'))])
    y = np.concatenate([np.load(p) for p in sorted(folder.glob('y-*.npy'))])
    return x, np.argmax(y, axis=1)


def tar_of(members) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w', format=tarfile.USTAR_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def npy(a) -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.asarray(a))
    return buf.getvalue()


class FixtureFormatTest(unittest.TestCase):
    def test_python_tarfile_reads_the_fixture_tars_as_the_format_says(self) -> None:
        """POSIX ustar, members <key>.npy/.cls/.json per sample in order, mode 0644, uid/gid 0, mtime 0."""
        for subset, n in SAMPLES.items():
            for e in (0, 1):
                names, position = [], 0
                for path in tars(WDS, subset, e):
                    with tarfile.open(path) as tar:
                        for m in tar.getmembers():
                            self.assertEqual((m.mode, m.uid, m.gid, m.mtime, m.type), (0o644, 0, 0, 0, tarfile.REGTYPE))
                            names.append(m.name)
                        for member in tar.getmembers():
                            if member.name.endswith('.json'):
                                row = json.loads(tar.extractfile(member).read())
                                self.assertEqual(row['position'], position)
                                position += 1
                keys = [f'{subset}-e{e:03d}-{p:08d}' for p in range(n)]
                self.assertEqual(names, [f'{k}.{ext}' for k in keys for ext in ('npy', 'cls', 'json')])
        with open(tars(WDS, 'training', 0)[0], 'rb') as f:
            self.assertEqual(f.read(512)[257:263], b'ustar\x00')


class IterTest(unittest.TestCase):
    def test_yields_each_sample_in_shard_order_with_its_label_and_index_row(self) -> None:
        for subset in SAMPLES:
            for e in (0, 1):
                got = list(webdataset_iter(tars(WDS, subset, e)))
                x, ids = npy_epoch(subset, e)
                self.assertEqual(len(got), len(x))
                for i, (xi, yi, meta) in enumerate(got):
                    np.testing.assert_array_equal(xi, x[i])
                    self.assertEqual((xi.dtype, xi.shape), (np.float32, (3, 2)))
                    self.assertEqual(yi, ids[i])
                    self.assertEqual((meta['subset'], meta['epoch'], meta['position']), (subset, e, i))
                    self.assertEqual(meta['__key__'], f'{subset}-e{e:03d}-{i:08d}')
                    self.assertEqual(meta['label'], yi)
                    self.assertTrue(meta['file'].startswith(meta['class'] + '/'))
                    self.assertTrue(meta['__url__'].endswith('.tar'))

    def test_one_path_a_list_and_a_brace_pattern_give_the_same_samples(self) -> None:
        paths = tars(WDS, 'training', 0)
        pattern = str(WDS / 'training' / 'epoch-000' / 'shard-{000..002}.tar')
        firsts = lambda it: [float(x[0, 0]) for x, _, _ in it]  # noqa: E731
        want = [first_value('training', 0, p) for p in range(5)]
        self.assertEqual(firsts(webdataset_iter(pattern)), want)
        self.assertEqual(firsts(webdataset_iter(paths)), want)
        self.assertEqual(firsts(webdataset_iter(Path(paths[0]))), want[:2])
        both = str(WDS / '{training,validation}' / 'epoch-001' / 'shard-000.tar')
        self.assertEqual(firsts(webdataset_iter(both)), [first_value(s, 1, p) for s in SAMPLES for p in range(2)])

    def test_a_build_without_labels_yields_y_none(self) -> None:
        got = list(webdataset_iter(tars(UNLABELLED, 'training', 1)))
        self.assertEqual([y for _, y, _ in got], [None] * 5)
        labelled = list(webdataset_iter(tars(WDS, 'training', 1)))
        self.assertEqual([m['label'] for _, _, m in got], [y for _, y, _ in labelled])

    def test_shuffle_buffer_permutes_within_its_reach_and_repeats_with_a_seed(self) -> None:
        paths = [p for s in SAMPLES for e in (0, 1) for p in tars(WDS, s, e)]
        order = [m['__key__'] for _, _, m in webdataset_iter(paths)]
        self.assertEqual(len(order), 14)
        runs = {seed: [m['__key__'] for _, _, m in webdataset_iter(paths, shuffle_buffer=3, seed=seed)] for seed in range(6)}
        for seed, keys in runs.items():
            self.assertEqual(sorted(keys), sorted(order))
            for out_pos, key in enumerate(keys):
                self.assertGreaterEqual(out_pos, order.index(key) - 3, f'seed {seed}: {key} came out too early')
        self.assertGreater(len({tuple(k) for k in runs.values()}), 3)
        again = [m['__key__'] for _, _, m in webdataset_iter(paths, shuffle_buffer=3, seed=4)]
        self.assertEqual(again, runs[4])
        self.assertEqual([m['__key__'] for _, _, m in webdataset_iter(paths, shuffle_buffer=1)], order)
        big = [m['__key__'] for _, _, m in webdataset_iter(paths, shuffle_buffer=100, seed=0)]
        self.assertEqual(sorted(big), sorted(order))
        with self.assertRaisesRegex(ValueError, 'shuffle_buffer must be a non-negative integer'):
            webdataset_iter(paths, shuffle_buffer=-1)


class SourcesTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix='audiogen-wds-'))
        self.tar = tars(WDS, 'training', 0)[1]

    def tearDown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def keys(self, source) -> list:
        return [m['__key__'] for _, _, m in webdataset_iter(source)]

    def test_reads_a_pipe_command_standard_input_and_a_file_url(self) -> None:
        want = ['training-e000-00000002', 'training-e000-00000003']
        self.assertEqual(self.keys(f'pipe:cat {self.tar}'), want)
        self.assertEqual(self.keys('file://' + self.tar), want)
        # `-` in another process, fed through a pipe (not seekable) as `audiogen build --stdout | trainer` does.
        code = 'from audiogen_data import webdataset_iter\nfor x, y, m in webdataset_iter("-"): print(m["__key__"], y, x[0, 0])'
        with open(self.tar, 'rb') as f:
            run = subprocess.run([sys.executable, '-c', code], input=f.read(), capture_output=True, timeout=60)
        self.assertEqual(run.returncode, 0, run.stderr)
        ys = npy_epoch('training', 0)[1]
        self.assertEqual(run.stdout.decode().splitlines(), [f'{k} {ys[i + 2]} {first_value("training", 0, i + 2)}' for i, k in enumerate(want)])

    def test_reads_http_urls_with_the_standard_library(self) -> None:
        served = []

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(WDS), **kwargs)

            def log_message(self, *args) -> None:
                served.append(self.path)

        server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            base = f'http://127.0.0.1:{server.server_address[1]}'
            got = list(webdataset_iter(f'{base}/validation/epoch-001/shard-{{000..000}}.tar'))
            local = list(webdataset_iter(tars(WDS, 'validation', 1)))
            self.assertEqual([(m['__key__'], y) for _, y, m in got], [(m['__key__'], y) for _, y, m in local])
            for (a, _, _), (b, _, _) in zip(got, local):
                np.testing.assert_array_equal(a, b)
            with self.assertRaisesRegex(WebDatasetError, r'/missing.tar: HTTP 404'):
                list(webdataset_iter(f'{base}/missing.tar'))
        finally:
            server.shutdown()
            server.server_close()
        self.assertIn('/validation/epoch-001/shard-000.tar', served)

    def test_bad_sources_are_named_with_the_reason(self) -> None:
        with self.assertRaisesRegex(WebDatasetError, r'nothing-here.tar: No such file'):
            list(webdataset_iter(str(self.tmp / 'nothing-here.tar')))
        short = self.tmp / 'short.tar'
        whole = Path(self.tar).read_bytes()
        # Cut inside a member's data, inside a header, on a header's boundary, and just before the end marker.
        end = whole.rindex(b'}') // 512 * 512 + 512
        for cut in (700, 1200, 1024, end):
            short.write_bytes(whole[:cut])
            with self.assertRaisesRegex(WebDatasetError, r'short.tar: .*(truncated|unexpected end)', msg=f'cut at {cut}'):
                list(webdataset_iter(str(short)))
        short.write_bytes(whole[: end + 512])  # the end marker and no padding: whole
        self.assertEqual(len(list(webdataset_iter(str(short)))), 2)
        not_tar = self.tmp / 'x.tar'
        not_tar.write_bytes(b'\x93NUMPY' + bytes(600))
        with self.assertRaisesRegex(WebDatasetError, r'x.tar: not a readable tar'):
            list(webdataset_iter(str(not_tar)))
        with self.assertRaisesRegex(WebDatasetError, r"pipe:cat .* exit 3: the command exited with status 3"):
            list(webdataset_iter(f'pipe:cat {self.tar}; exit 3'))

    def test_samples_that_are_not_what_audiogen_writes_are_refused(self) -> None:
        cases = {
            'no-npy.tar': ([('a-e000-00000000.cls', b'1'), ('a-e000-00000000.json', b'{}')], 'sample a-e000-00000000 has no .npy member'),
            'twice.tar': ([('k.npy', npy([1])), ('k.npy', npy([2]))], 'sample k has two npy members'),
            'bad-cls.tar': ([('k.npy', npy([1])), ('k.cls', b'one')], r'k.cls cannot be decoded'),
            'pickle.tar': ([('k.npy', npy(np.array([{}], dtype=object)))], r'k.npy cannot be decoded'),
        }
        for name, (members, message) in cases.items():
            path = self.tmp / name
            path.write_bytes(tar_of(members))
            with self.assertRaisesRegex(WebDatasetError, f'{name}: {message}'):
                list(webdataset_iter(str(path)))

    def test_a_consumer_that_stops_early_leaves_no_producer_behind(self) -> None:
        big = self.tmp / 'big.tar'
        members = [(f'k-{i:05d}.npy', npy(np.zeros(4096, np.float32))) for i in range(200)]
        big.write_bytes(tar_of(members))
        marker = self.tmp / 'pid'
        it = webdataset_iter(f'pipe:echo $$ > {marker}; exec cat {big}')
        next(it)
        it.close()  # the generator's cleanup closes the pipe and waits for cat
        pid = int(marker.read_text())
        with self.assertRaises(ProcessLookupError):
            os.kill(pid, 0)

    def test_a_producer_that_pads_after_the_tar_is_read_to_its_end_and_exits_cleanly(self) -> None:
        # Without reading the padding, the reader would close the pipe on a producer still writing (SIGPIPE, 141).
        keys = self.keys(f'pipe:cat {self.tar}; head -c 300000 /dev/zero')
        self.assertEqual(keys, ['training-e000-00000002', 'training-e000-00000003'])

    def test_members_are_grouped_by_key_in_any_member_order(self) -> None:
        path = self.tmp / 'order.tar'
        path.write_bytes(tar_of([('a/k1.json', b'{"file": "f"}'), ('a/k1.npy', npy([1.5])), ('a/k2.npy', npy([2.5])), ('README', b'x')]))
        got = list(webdataset_iter(str(path)))
        self.assertEqual([(m['__key__'], float(x[0]), y) for x, y, m in got], [('a/k1', 1.5, None), ('a/k2', 2.5, None)])
        self.assertEqual(got[0][2]['file'], 'f')
        self.assertNotIn('position', got[0][2])  # not an audiogen key: nothing read from it


class DecodeNpyTest(unittest.TestCase):
    def test_decodes_what_numpy_saves_and_refuses_what_np_load_would(self) -> None:
        arrays = [np.arange(6, dtype='<i2').reshape(2, 3), np.float32(2.5), np.zeros((0, 4), np.uint16),
                  np.arange(8.0).reshape(2, 2, 2), np.array([1, 2], dtype='>i4')]
        for a in arrays:
            got = decode_npy(npy(a))
            np.testing.assert_array_equal(got, a)
            self.assertEqual((got.dtype, got.shape, got.flags.writeable), (a.dtype, a.shape, True))
        buf = io.BytesIO()
        np.lib.format.write_array(buf, np.arange(3), version=(2, 0))
        np.testing.assert_array_equal(decode_npy(buf.getvalue()), np.arange(3))
        with self.assertRaisesRegex(ValueError, '20 bytes of data, its header says 24'):
            decode_npy(npy(np.arange(3.0))[:-4])
        with self.assertRaisesRegex(ValueError, 'not a .npy file'):
            decode_npy(b'PK\x03\x04' + bytes(20))
        with self.assertRaisesRegex(ValueError, 'C-order'):
            decode_npy(npy(np.asfortranarray(np.ones((2, 3)))))


class NamesTest(unittest.TestCase):
    def test_keys_members_and_brace_patterns(self) -> None:
        self.assertEqual(parse_key('validation-e012-00000345'), {'subset': 'validation', 'epoch': 12, 'position': 345})
        self.assertEqual(parse_key('some/dir/testing-e000-00000000'), {'subset': 'testing', 'epoch': 0, 'position': 0})
        self.assertIsNone(parse_key('training-0-1'))
        self.assertEqual(split_member('training-e000-00000001.npy'), ('training-e000-00000001', 'npy'))
        self.assertEqual(split_member('d.x/a.seg.npy'), ('d.x/a', 'seg.npy'))
        self.assertIsNone(split_member('README'))
        self.assertEqual(expand_urls('s-{08..10}.tar'), ['s-08.tar', 's-09.tar', 's-10.tar'])
        self.assertEqual(expand_urls('{a,b}/{0..1}'), ['a/0', 'a/1', 'b/0', 'b/1'])
        self.assertEqual(expand_urls('plain.tar'), ['plain.tar'])
        with self.assertRaisesRegex(ValueError, 'runs backwards'):
            expand_urls('{3..1}')


if __name__ == '__main__':
    unittest.main()
