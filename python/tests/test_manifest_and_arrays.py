"""audiogen_data.manifest and audiogen_data.arrays on the committed fixture builds: no Node, no audiogen build."""

from __future__ import annotations

import pickle
import shutil
import sys
import unittest
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import audiogen_data as ad  # noqa: E402
from audiogen_data.arrays import ShardedArray  # noqa: E402
from audiogen_data.manifest import file_records, output_format, tar_record  # noqa: E402
from audiogen_data.tarshards import load_tar_x  # noqa: E402
from fixture_builds import NPY, WDS, copy, edit_manifest, first_value  # noqa: E402


class ManifestTest(unittest.TestCase):
    def tearDown(self) -> None:
        for d in getattr(self, 'scratch', []):
            shutil.rmtree(d.parent, ignore_errors=True)

    def scratch_copy(self, build: Path) -> Path:
        out = copy(build)
        self.scratch = getattr(self, 'scratch', []) + [out]
        return out

    def test_reads_both_formats_and_tells_them_apart(self) -> None:
        npy, wds = ad.read_manifest(NPY), ad.read_manifest(WDS)
        self.assertEqual((npy['format'], npy['format_version']), (ad.FORMAT, 1))
        self.assertEqual((output_format(npy), output_format(wds)), ('npy', 'webdataset'))
        shard = npy['subsets']['training']['epochs'][0]['shards'][0]
        self.assertEqual([r['path'] for r in file_records(shard)],
                         ['training/epoch-000/x-000.npy', 'training/epoch-000/y-000.npy', 'training/epoch-000/index-000.csv'])
        self.assertIsNone(tar_record(shard))
        tar = wds['subsets']['training']['epochs'][1]['shards'][2]
        self.assertEqual(tar_record(tar)['path'], 'training/epoch-001/shard-002.tar')
        self.assertEqual(file_records(tar), [tar['tar']])

    def test_a_tar_record_is_found_by_its_extension_whatever_its_key(self) -> None:
        shard = {'shard': 0, 'start': 0, 'count': 1, 'wds': {'path': 'a/shard-000.tar', 'bytes': 1, 'sha256': 'x'}}
        self.assertEqual(tar_record(shard)['path'], 'a/shard-000.tar')
        # Before any epoch is listed, the config says.
        self.assertEqual(output_format({'subsets': {}, 'config': {'output': {'format': 'webdataset'}}}), 'webdataset')
        self.assertEqual(output_format({'subsets': {}, 'config': {'output': {}}}), 'npy')

    def test_refuses_what_it_cannot_read_naming_the_file(self) -> None:
        out = self.scratch_copy(NPY)
        edit_manifest(out, lambda m: m.update(format_version=2))
        with self.assertRaisesRegex(ad.ManifestError, r'manifest.json has format_version 2, newer than the 1'):
            ad.read_manifest(out)
        edit_manifest(out, lambda m: m.update(format_version=True))
        with self.assertRaisesRegex(ad.ManifestError, 'format_version True is not a positive integer'):
            ad.read_manifest(out)
        edit_manifest(out, lambda m: m.update(format_version=1, format='other'))
        with self.assertRaisesRegex(ad.ManifestError, "not an audiogen manifest .format: 'other'"):
            ad.read_manifest(out)
        edit_manifest(out, lambda m: (m.update(format='audiogen'), m.pop('label'), m.pop('epochs')))
        with self.assertRaisesRegex(ad.ManifestError, 'lacks label, epochs'):
            ad.read_manifest(out)
        (out / 'manifest.json').write_text('{"format": "audiogen", "form')
        with self.assertRaisesRegex(ad.ManifestError, 'cannot be read as JSON'):
            ad.read_manifest(out, attempts=2, pause=0)
        (out / 'manifest.json').unlink()
        with self.assertRaises(ad.ManifestNotFound) as caught:
            ad.read_manifest(out)
        self.assertIsInstance(caught.exception, FileNotFoundError)
        self.assertIn(str(out / 'manifest.json'), str(caught.exception))


class ShardedArrayTest(unittest.TestCase):
    """Three .npy shards of 2, 2 and 1 rows (training epoch 0 of the npy fixture)."""

    def setUp(self) -> None:
        folder = NPY / 'training' / 'epoch-000'
        self.paths = [str(folder / f'x-{k:03d}.npy') for k in range(3)]
        self.x = ShardedArray(self.paths, [2, 2, 1], (3, 2), 'float32')
        self.full = np.concatenate([np.load(p) for p in self.paths])

    def test_indexes_like_the_concatenated_array(self) -> None:
        x, full = self.x, self.full
        self.assertEqual((x.shape, x.dtype, x.ndim, len(x)), ((5, 3, 2), np.float32, 3, 5))
        for i in range(-5, 5):
            np.testing.assert_array_equal(x[i], full[i])
        for s in (slice(0, 5), slice(1, 3), slice(2, 4), slice(3, 5), slice(None, None, -2), slice(4, 1), slice(-2, None)):
            np.testing.assert_array_equal(x[s], full[s], err_msg=str(s))
        np.testing.assert_array_equal(x[[4, 0, 2, 2]], full[[4, 0, 2, 2]])
        np.testing.assert_array_equal(x[np.array([True, False, True, False, True])], full[::2])
        np.testing.assert_array_equal(x[1:4, 2, 1], full[1:4, 2, 1])
        np.testing.assert_array_equal(np.stack(list(x)), full)
        self.assertEqual([float(r[0, 0]) for r in x], [first_value('training', 0, p) for p in range(5)])
        with self.assertRaises(IndexError):
            x[5]
        with self.assertRaises(TypeError):
            x['a']

    def test_a_shard_that_disagrees_with_the_manifest_is_named(self) -> None:
        x = ShardedArray(self.paths, [2, 2, 2], (3, 2), 'float32')
        np.testing.assert_array_equal(x[:4], self.full[:4])  # the first two shards are fine
        with self.assertRaisesRegex(ad.ManifestError, r'x-002.npy holds float32\[1, 3, 2\], the manifest says float32\[2, 3, 2\]'):
            x[5]

    def test_pickles_as_paths_with_its_loader(self) -> None:
        tars = [str(WDS / 'training' / 'epoch-000' / f'shard-{k:03d}.tar') for k in range(3)]
        for x in (self.x, ShardedArray(tars, [2, 2, 1], (3, 2), 'float32', loader=load_tar_x)):
            x[4]  # opens a shard
            again = pickle.loads(pickle.dumps(x))
            self.assertLess(len(pickle.dumps(x)), 2000)
            np.testing.assert_array_equal(np.asarray(again), self.full)


if __name__ == '__main__':
    unittest.main()
