"""Read audiogen builds from Python with numpy alone: npy shards memory-mapped, WebDataset tar shards streamed.

    from audiogen_data import AudiogenDataset, webdataset_iter, torch_iterable
    ds = AudiogenDataset('out/demo')                 # reads out/demo/manifest.json (npy or webdataset build)
    print(ds.classes, ds.sample_shape, ds.dtype, ds.num_epochs, ds.class_counts('training'))
    ds.verify()                                      # size + sha256 of every listed file, raises on a bad one
    for e in ds.epochs('training', follow=True):     # epoch numbers; waits for each while a build runs
        for x, y in ds.batches('training', e, batch_size=32, shuffle=True, seed=e):
            ...                                      # x: (32, *sample_shape); y: one-hot or ids, None without labels
    x, y = ds.epoch('validation', 0)                 # lazy views spanning the epoch's shards
    ids = ds.label_ids('validation', 0)              # int64 class ids, whatever the label format
    rows = ds.index('validation', 0)                 # one dict per sample: position, label, class, file, params
    for x, y, meta in webdataset_iter('out/wds/training/epoch-{000..001}/shard-{000..003}.tar', shuffle_buffer=256):
        ...                                          # or http(s):// URLs, 'pipe:COMMAND', '-' (standard input)
    loader = torch.utils.data.DataLoader(torch_iterable(ds.tars('training', 0)), batch_size=64, num_workers=2)

Modules: manifest (reading and checking manifest.json), arrays (ShardedArray), dataset (AudiogenDataset), follow
(waiting for a running build), verify (sizes and sha256), adapters (torch, Keras, tf.data of one epoch), webdataset
(streaming tar reader), tarshards (tar shards read in place), iterable (torch IterableDataset, shard splitting),
stream (`audiogen stream` folders and recognize_commands). `python -m audiogen_data OUT` describes and verifies a
build. numpy is the only dependency; torch, Keras and TensorFlow are imported only by the adapters that use them.
"""

from .arrays import ShardedArray
from .dataset import AudiogenDataset
from .iterable import split_shards, torch_iterable
from .manifest import FORMAT, FORMAT_VERSION, ManifestError, ManifestNotFound, read_manifest
from .verify import Problem, VerifyError
from .webdataset import WebDatasetError, parse_key, webdataset_iter

__version__ = '0.1.0'

__all__ = [
    'AudiogenDataset',
    'ShardedArray',
    'ManifestError',
    'ManifestNotFound',
    'VerifyError',
    'Problem',
    'read_manifest',
    'FORMAT',
    'FORMAT_VERSION',
    'webdataset_iter',
    'WebDatasetError',
    'parse_key',
    'torch_iterable',
    'split_shards',
    '__version__',
]
