"""AudiogenDataset on both output formats (the committed fixtures: the same samples as npy shards and as tars),
torch_iterable's split of shards across DataLoader workers and DDP ranks, and the adapters on a webdataset build."""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import sys
import tarfile
import types
import unittest
import warnings
from pathlib import Path
from unittest import mock

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import audiogen_data as ad  # noqa: E402
from audiogen_data.iterable import consumer, split_shards  # noqa: E402
from fixture_builds import NPY, SAMPLES, UNLABELLED, WDS, copy, edit_manifest, first_value  # noqa: E402


def replace(path: Path, data: bytes) -> None:
    """A new file renamed over the old, as audiogen replaces a shard, keeping the old one's times: a reader's cache
    must tell them apart by more than size and time."""
    old = path.stat()
    path.with_name('new.tar').write_bytes(data)
    os.replace(path.with_name('new.tar'), path)
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))


class BothFormatsTest(unittest.TestCase):
    def setUp(self) -> None:
        self.npy, self.wds = ad.AudiogenDataset(NPY), ad.AudiogenDataset(WDS)

    def test_the_same_samples_read_the_same_from_npy_shards_and_tars(self) -> None:
        self.assertEqual((self.npy.format, self.wds.format), ('npy', 'webdataset'))
        for attr in ('classes', 'class_mode', 'label', 'sample_shape', 'dtype', 'num_epochs', 'subsets', 'complete'):
            self.assertEqual(getattr(self.wds, attr), getattr(self.npy, attr), attr)
        for subset, n in SAMPLES.items():
            for e in (0, 1):
                (xn, yn), (xw, yw) = self.npy.epoch(subset, e), self.wds.epoch(subset, e)
                self.assertEqual((xw.shape, xw.dtype, yw.shape, yw.dtype), ((n, 3, 2), np.float32, (n, 3), np.float32))
                np.testing.assert_array_equal(np.asarray(xw), np.asarray(xn))
                np.testing.assert_array_equal(np.asarray(yw), np.asarray(yn))
                self.assertEqual([float(r[0, 0]) for r in xw], [first_value(subset, e, p) for p in range(n)])
                self.assertEqual(self.wds.index(subset, e), self.npy.index(subset, e))
                np.testing.assert_array_equal(self.wds.label_ids(subset, e), self.npy.label_ids(subset, e))
        self.assertEqual(self.wds.verify(), [])

    def test_tar_rows_index_like_an_array_across_shards(self) -> None:
        xw, _ = self.wds.epoch('training', 1)
        full = np.asarray(self.npy.epoch('training', 1)[0])
        row = xw[3]
        self.assertFalse(row.flags.writeable)  # a view of the mapped tar, not a copy
        for key in (slice(1, 4), slice(None, None, -1), [4, 0, 2], np.arange(5) % 2 == 0, -1):
            np.testing.assert_array_equal(xw[key], full[key], err_msg=str(key))
        np.testing.assert_array_equal(np.stack(list(xw)), full)
        np.testing.assert_array_equal(pickle.loads(pickle.dumps(xw))[2:5], full[2:5])

    def test_batches_are_the_same_from_both_formats(self) -> None:
        for shuffle in (False, True):
            a = list(self.npy.batches('training', 0, 2, shuffle=shuffle, seed=3, dtype=np.float64))
            b = list(self.wds.batches('training', 0, 2, shuffle=shuffle, seed=3, dtype=np.float64))
            self.assertEqual(len(a), 3)
            for (xa, ya), (xb, yb) in zip(a, b):
                np.testing.assert_array_equal(xa, xb)
                np.testing.assert_array_equal(ya, yb)
                self.assertTrue(xb.flags.writeable and yb.flags.writeable)

    def test_tars_lists_an_epochs_shards_for_the_streaming_readers(self) -> None:
        paths = self.wds.tars('validation', 1)
        self.assertEqual(paths, [str(WDS / 'validation' / 'epoch-001' / 'shard-000.tar')])
        got = list(ad.webdataset_iter(self.wds.tars('training', 0)))
        np.testing.assert_array_equal(np.stack([x for x, _, _ in got]), np.asarray(self.wds.epoch('training', 0)[0]))
        self.assertEqual([y for _, y, _ in got], self.wds.label_ids('training', 0).tolist())
        with self.assertRaisesRegex(ValueError, 'is in the npy format: it has no tar shards'):
            self.npy.tars('training', 0)

    def test_a_build_without_labels_has_no_y_and_keeps_its_ids_in_the_index(self) -> None:
        ds = ad.AudiogenDataset(UNLABELLED)
        self.assertFalse(ds.has_labels)
        x, y = ds.epoch('training', 0)
        self.assertIsNone(y)
        np.testing.assert_array_equal(np.asarray(x), np.asarray(self.wds.epoch('training', 0)[0]))
        np.testing.assert_array_equal(ds.label_ids('training', 0), self.wds.label_ids('training', 0))
        self.assertEqual(next(ds.batches('training', 0, 4))[1], None)
        self.assertEqual(ds.verify(), [])


class DamagedTarTest(unittest.TestCase):
    def setUp(self) -> None:
        self.out = copy(WDS)

    def tearDown(self) -> None:
        shutil.rmtree(self.out.parent, ignore_errors=True)

    def test_verify_names_a_tar_whose_bytes_changed(self) -> None:
        victim = 'training/epoch-001/shard-001.tar'
        path = self.out / victim
        data = bytearray(path.read_bytes())
        data[600] ^= 0x01  # inside the first sample's x
        path.write_bytes(bytes(data))
        problems = ad.AudiogenDataset(self.out).verify(raise_on_error=False)
        self.assertEqual([p.path for p in problems], [victim])
        self.assertIn('sha256', problems[0].reason)
        path.write_bytes(bytes(data[:2048]))
        with self.assertRaises(ad.VerifyError) as caught:
            ad.AudiogenDataset(self.out).verify()
        self.assertIn(f'{victim}: size 2048 bytes, the manifest says 10240', str(caught.exception))

    def test_epoch_refuses_a_truncated_tar_or_samples_out_of_order(self) -> None:
        path = self.out / 'training' / 'epoch-000' / 'shard-001.tar'
        whole = path.read_bytes()
        for cut, why in ((1536, r'training-e000-00000002.cls ends past the end of the file \(truncated\)'),
                         (3072, r'stops at byte 3072 without its end-of-archive block \(truncated\)')):
            path.write_bytes(whole[:cut])  # a header whose data is cut off; a cut on a header's boundary
            x, _ = ad.AudiogenDataset(self.out).epoch('training', 0)
            np.testing.assert_array_equal(x[1], np.asarray(ad.AudiogenDataset(WDS).epoch('training', 0)[0])[1])
            with self.assertRaisesRegex(ad.ManifestError, f'shard-001.tar:? {why}'):
                x[2]
        with tarfile.open(fileobj=io.BytesIO(whole)) as tar:
            members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode='w', format=tarfile.USTAR_FORMAT) as tar:
            for m, data in members[3:] + members[:3]:  # positions 3, 2
                tar.addfile(m, io.BytesIO(data))
        replace(path, buf.getvalue())
        with self.assertRaisesRegex(ad.ManifestError, r"shard-001.tar: sample 1 has key 'training-e000-00000002', out of shard order"):
            ad.AudiogenDataset(self.out).epoch('training', 0)[0][3]

    def test_a_tar_whose_rows_disagree_with_the_manifest_is_named(self) -> None:
        edit_manifest(self.out, lambda m: m.update(sample_shape=[2, 3]))
        with self.assertRaisesRegex(ad.ManifestError, r'training-e000-00000000.npy holds float32\[3, 2\], the manifest says float32\[2, 3\]'):
            ad.AudiogenDataset(self.out).epoch('training', 0)[0][0]


    def test_index_rows_may_leave_position_and_label_to_the_key_and_the_cls(self) -> None:
        """The .json holds the index row; a writer that keeps position and label only in the key and .cls is read
        the same (an unlabelled build's id then comes from the class name)."""
        for build in (self.out, copy(UNLABELLED)):
            want = ad.AudiogenDataset(build).index('validation', 0)
            path = build / 'validation' / 'epoch-000' / 'shard-000.tar'
            with tarfile.open(path) as tar:
                members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode='w', format=tarfile.USTAR_FORMAT) as tar:
                for m, data in members:
                    if m.name.endswith('.json'):
                        row = json.loads(data)
                        del row['position'], row['label']
                        data = json.dumps(row).encode()
                        m.size = len(data)
                    tar.addfile(m, io.BytesIO(data))
            replace(path, buf.getvalue())
            self.assertEqual(ad.AudiogenDataset(build).index('validation', 0), want)
            with tarfile.open(path.with_name('new.tar'), 'w', format=tarfile.USTAR_FORMAT) as tar:
                for m, data in [(m, d) for m, d in members if m.name.startswith('validation-e000-00000000.')]:
                    if m.name.endswith('.json'):
                        data = b'{"class": "yes"}'
                        m.size = len(data)
                    tar.addfile(m, io.BytesIO(data))
            os.replace(path.with_name('new.tar'), path)
            edit_manifest(build, lambda m: m['subsets']['validation'].update(samples=1))
            edit_manifest(build, lambda m: m['subsets']['validation']['epochs'][0]['shards'][0].update(count=1))
            with self.assertRaisesRegex(ad.ManifestError, r'shard-000.tar: the index row of position 0 lacks file'):
                ad.AudiogenDataset(build).index('validation', 0)
            if build.name == 'unlabelled':
                shutil.rmtree(build.parent, ignore_errors=True)


class SplitShardsTest(unittest.TestCase):
    def test_every_shard_goes_to_exactly_one_consumer(self) -> None:
        shards = [f's{i}' for i in range(11)]
        for world in (1, 2, 3):
            for workers in (1, 2, 4):
                got = [split_shards(shards, r, world, w, workers) for r in range(world) for w in range(workers)]
                flat = [s for part in got for s in part]
                self.assertEqual(sorted(flat), sorted(shards), (world, workers))
                self.assertLessEqual(max(map(len, got)) - min(map(len, got)), 1)
        self.assertEqual(split_shards(shards, rank=1, world_size=2, worker=0, num_workers=3), ['s3', 's9'])
        with self.assertRaisesRegex(ValueError, 'rank 2 is outside 0..1'):
            split_shards(shards, rank=2, world_size=2)
        with self.assertRaisesRegex(ValueError, 'worker 3 is outside 0..2'):
            split_shards(shards, worker=3, num_workers=3)


def torch_stand_in(worker=None, dist=None) -> dict:
    """sys.modules entries for a minimal torch: IterableDataset, get_worker_info, distributed, tensors as tuples."""
    torch = types.ModuleType('torch')
    data = types.ModuleType('torch.utils.data')
    data.Dataset = type('Dataset', (), {})
    data.IterableDataset = type('IterableDataset', (), {})
    data.get_worker_info = lambda: worker
    torch.utils = types.ModuleType('torch.utils')
    torch.utils.data = data
    torch.distributed = dist or types.SimpleNamespace(is_available=lambda: True, is_initialized=lambda: False)
    torch.from_numpy = lambda a: ('tensor', a)
    torch.tensor = lambda v, dtype=None: ('tensor', np.asarray(v, dtype=dtype))
    torch.int64 = np.int64
    return {'torch': torch, 'torch.utils': torch.utils, 'torch.utils.data': data}


def ddp(rank: int, world: int):
    return types.SimpleNamespace(is_available=lambda: True, is_initialized=lambda: True, get_rank=lambda: rank,
                                 get_world_size=lambda: world)


class TorchIterableTest(unittest.TestCase):
    """torch_iterable against a torch stand-in (the real one is tested below where it is installed)."""

    shards = [str(p) for s in SAMPLES for e in (0, 1) for p in sorted((WDS / s / f'epoch-{e:03d}').glob('*.tar'))]

    def keys(self, worker=None, dist=None, **kwargs) -> list:
        with mock.patch.dict(sys.modules, torch_stand_in(worker, dist)):
            it = ad.torch_iterable(self.shards, with_meta=True, **kwargs)
            return [meta['__key__'] for _, _, meta in it]

    def test_ranks_and_workers_read_disjoint_shards_that_cover_the_epoch(self) -> None:
        everything = self.keys()
        self.assertEqual(len(everything), 14)
        for world in (1, 2):
            for workers in (1, 3):
                seen = []
                for r in range(world):
                    for w in range(workers):
                        info = types.SimpleNamespace(id=w, num_workers=workers)
                        seen += self.keys(worker=None if workers == 1 else info, dist=ddp(r, world))
                self.assertEqual(sorted(seen), sorted(everything), (world, workers))

    def test_rank_comes_from_the_environment_before_the_process_group_starts(self) -> None:
        with mock.patch.dict(os.environ, {'RANK': '1', 'WORLD_SIZE': '2'}):
            with mock.patch.dict(sys.modules, torch_stand_in()):
                self.assertEqual(consumer(sys.modules['torch']), (1, 2, 0, 1))
            self.assertEqual(self.keys(), self.keys(dist=ddp(1, 2)))

    def test_a_spawned_worker_keeps_the_rank_its_main_process_had(self) -> None:
        """A worker started with spawn has no process group: the rank travels with the pickled dataset."""
        with mock.patch.dict(sys.modules, torch_stand_in(dist=ddp(1, 2))):
            blob = pickle.dumps(ad.torch_iterable(self.shards, with_meta=True))
        with mock.patch.dict(sys.modules, torch_stand_in(worker=types.SimpleNamespace(id=0, num_workers=1))):
            keys = [m['__key__'] for _, _, m in pickle.loads(blob)]
        self.assertEqual(keys, self.keys(dist=ddp(1, 2)))
        self.assertNotEqual(keys, self.keys())

    def test_items_are_tensors_and_shuffles_repeat_per_seed_and_epoch(self) -> None:
        with mock.patch.dict(sys.modules, torch_stand_in()):
            it = ad.torch_iterable(self.shards[:1], x_dtype='float64')
            (_, x), (_, y) = next(iter(it))
            self.assertEqual((x.dtype, x.shape, x.flags.writeable), (np.float64, (3, 2), True))
            self.assertEqual(int(y), ad.AudiogenDataset(WDS).label_ids('training', 0)[0])
            self.assertIsInstance(it, sys.modules['torch.utils.data'].IterableDataset)
            again = pickle.loads(pickle.dumps(it))
            np.testing.assert_array_equal(next(iter(again))[0][1], x)
            unlabelled = ad.torch_iterable(str(UNLABELLED / 'training' / 'epoch-000' / 'shard-000.tar'))
            self.assertEqual(next(iter(unlabelled))[0], 'tensor')  # x alone
        one = self.keys(shuffle_buffer=4, seed=7, shuffle_shards=True)
        self.assertEqual(one, self.keys(shuffle_buffer=4, seed=7, shuffle_shards=True))
        self.assertNotEqual(one, self.keys())
        with mock.patch.dict(sys.modules, torch_stand_in()):
            it = ad.torch_iterable(self.shards, shuffle_buffer=4, seed=7, shuffle_shards=True, with_meta=True)
            first = [m['__key__'] for _, _, m in it]
            it.set_epoch(1)
            second = [m['__key__'] for _, _, m in it]
            self.assertEqual(pickle.loads(pickle.dumps(it)).epoch, 1)
        self.assertEqual(first, one)
        self.assertNotEqual(first, second)
        self.assertEqual(sorted(first), sorted(second))

    def test_a_consumer_left_without_shards_is_warned_about(self) -> None:
        info = types.SimpleNamespace(id=3, num_workers=4)
        with mock.patch.dict(sys.modules, torch_stand_in(worker=info)), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            self.assertEqual(list(ad.torch_iterable(self.shards[:2])), [])
        self.assertIn('worker 3 gets none of the 2 shards', str(caught[0].message))

    def test_the_dataset_method_streams_an_epochs_tars(self) -> None:
        with mock.patch.dict(sys.modules, torch_stand_in()):
            items = list(ad.AudiogenDataset(WDS).torch_iterable('validation', 1))
            self.assertEqual([int(y[1]) for _, y in items], ad.AudiogenDataset(WDS).label_ids('validation', 1).tolist())
            td = ad.AudiogenDataset(WDS).torch_dataset('training', 1)  # the map-style adapter reads tars too
            self.assertEqual(len(td), 5)
            np.testing.assert_array_equal(td[4][0][1], np.asarray(ad.AudiogenDataset(NPY).epoch('training', 1)[0][4]))


class RealTorchTest(unittest.TestCase):
    def setUp(self) -> None:
        try:
            import torch  # noqa: F401
        except ImportError:
            self.skipTest('torch is not installed (pip install "audiogen-data[torch]" to run this)')

    def test_a_dataloader_with_two_workers_reads_each_sample_once(self) -> None:
        import torch

        shards = TorchIterableTest.shards
        loader = torch.utils.data.DataLoader(ad.torch_iterable(shards), batch_size=3, num_workers=2)
        xs, ys = zip(*loader)
        x = torch.cat(xs).numpy()
        expected = np.concatenate([np.asarray(ad.AudiogenDataset(WDS).epoch(s, e)[0]) for s in SAMPLES for e in (0, 1)])
        self.assertEqual(sorted(x[:, 0, 0].tolist()), sorted(expected[:, 0, 0].tolist()))
        self.assertEqual(torch.cat(ys).dtype, torch.int64)


def ddp_rank(rank: int, world: int, folder: str, shards: list, queue) -> None:
    """One DDP rank (gloo, file rendezvous: no port) reading its share through 2 DataLoader workers."""
    import torch
    import torch.distributed as dist

    dist.init_process_group('gloo', init_method=f'file://{folder}/rendezvous', rank=rank, world_size=world)
    try:
        loader = torch.utils.data.DataLoader(ad.torch_iterable(shards, with_meta=True), batch_size=None, num_workers=2)
        queue.put((rank, [meta['__key__'] for _, _, meta in loader]))
    finally:
        dist.destroy_process_group()


class RealDdpTest(unittest.TestCase):
    def test_two_ranks_with_two_spawned_workers_each_read_each_sample_once(self) -> None:
        try:
            import torch.multiprocessing as mp
        except ImportError:
            self.skipTest('torch is not installed (pip install "audiogen-data[torch]" to run this)')
        import tempfile

        folder = tempfile.mkdtemp(prefix='audiogen-ddp-')
        try:
            queue = mp.get_context('spawn').SimpleQueue()
            mp.spawn(ddp_rank, args=(2, folder, TorchIterableTest.shards, queue), nprocs=2)
            got = dict(queue.get() for _ in range(2))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        self.assertEqual(sorted(got[0] + got[1]), sorted(m['__key__'] for _, _, m in ad.webdataset_iter(TorchIterableTest.shards)))
        self.assertEqual((len(got[0]), len(got[1])), (7, 7))


if __name__ == '__main__':
    unittest.main()
