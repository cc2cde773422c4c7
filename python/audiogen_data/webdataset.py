"""Streaming WebDataset tar shards: `webdataset_iter` yields (x, y, meta) per sample from files, URLs or commands.

A webdataset build writes OUT/<subset>/epoch-<eee>/shard-<sss>.tar (POSIX ustar), per sample `<key>.npy` (the x row,
.npy v1.0), `<key>.cls` (the integer label as text; none without labels) and `<key>.json` (the index row), with
`<key>` = `<subset>-e<eee>-<position, 8 digits>`, samples in shard order. Each tar is read once, front to back
(tarfile mode 'r|'), so a source need not be seekable: a local path, an http(s):// URL (urllib), `pipe:COMMAND`
(the command's standard output, as WebDataset spells it) or `-` (this process's standard input).
"""

from __future__ import annotations

import functools
import io
import json
import os
import random
import re
import subprocess
import sys
import tarfile
import urllib.error
import urllib.request
from contextlib import contextmanager
from typing import Any, BinaryIO, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np

__all__ = [
    'WebDatasetError',
    'webdataset_iter',
    'samples',
    'expand_urls',
    'parse_key',
    'split_member',
    'source_list',
    'decode_npy',
    'npy_layout',
    'KEY',
]

Source = Union[str, 'os.PathLike[str]']

#: `<subset>-e<eee>-<position>`: what a sample's key says about it.
KEY = re.compile(r'^(?P<subset>[A-Za-z0-9_]+)-e(?P<epoch>\d{3,})-(?P<position>\d{8,})$')
_MEMBER = re.compile(r'^((?:.*/|)[^./][^/]*?)\.([^/]*)$')  # WebDataset's split: key = the name up to the first dot
_BRACES = re.compile(r'\{([^{}]*)\}')
_HTTP_TIMEOUT = 60.0
_PIPE_GRACE = 10.0  # seconds a producer gets to exit after its reader is done


class WebDatasetError(ValueError):
    """A tar source that cannot be read, or a sample in it that is not what an audiogen webdataset build writes."""


def parse_key(key: str) -> Optional[Dict[str, Any]]:
    """{'subset', 'epoch', 'position'} from an audiogen sample key, or None for another kind of key."""
    m = KEY.match(key.rsplit('/', 1)[-1])
    if not m:
        return None
    return {'subset': m.group('subset'), 'epoch': int(m.group('epoch')), 'position': int(m.group('position'))}


def split_member(name: str) -> Optional[Tuple[str, str]]:
    """(key, extension) of a tar member name, as WebDataset splits it ('a/b-1.x.npy' -> ('a/b-1', 'x.npy'))."""
    m = _MEMBER.match(name)
    return (m.group(1), m.group(2)) if m else None


def expand_urls(pattern: str) -> List[str]:
    """WebDataset's brace notation: 'shard-{000..002}.tar' -> three names (zero-padded as written), '{a,b}' -> two."""
    m = _BRACES.search(pattern)
    if not m:
        return [pattern]
    head, body, tail = pattern[: m.start()], m.group(1), pattern[m.end() :]
    rng = re.fullmatch(r'(\d+)\.\.(\d+)', body)
    if rng:
        lo, hi = int(rng.group(1)), int(rng.group(2))
        if hi < lo:
            raise ValueError(f'{pattern!r}: the range {{{body}}} runs backwards')
        width = len(rng.group(1))
        items = [str(i).zfill(width) for i in range(lo, hi + 1)]
    else:
        items = body.split(',')
    return [name for item in items for name in expand_urls(head + item + tail)]


def source_list(paths_or_urls: Union[Source, Iterable[Source]]) -> List[str]:
    """One source or several, brace patterns expanded (not inside pipe: commands)."""
    if isinstance(paths_or_urls, (str, os.PathLike)):
        paths_or_urls = [paths_or_urls]
    out: List[str] = []
    for p in paths_or_urls:
        s = os.fspath(p)
        out.extend([s] if s.startswith('pipe:') else expand_urls(s))
    return out


def _drain(f: BinaryIO) -> None:
    while f.read(1 << 16):
        pass


@contextmanager
def _opened(source: str) -> Iterator[BinaryIO]:
    """The source's bytes as a binary stream; a `pipe:` command that fails after its tar ends raises."""
    if source == '-':
        yield sys.stdin.buffer
        return
    if source.startswith('pipe:'):
        command = source[len('pipe:') :]
        proc = subprocess.Popen(command, shell=True, stdout=subprocess.PIPE)
        assert proc.stdout is not None
        finished = False
        try:
            yield proc.stdout  # type: ignore[misc]
            _drain(proc.stdout)  # the padding after the tar's end: the producer then exits by itself
            finished = True
        finally:
            proc.stdout.close()  # a producer still writing gets SIGPIPE (we stopped early) instead of blocking
            try:
                code = proc.wait(timeout=_PIPE_GRACE)
            except subprocess.TimeoutExpired:
                proc.kill()
                code = proc.wait()
        if finished and code != 0:
            raise WebDatasetError(f'{source}: the command exited with status {code}')
        return
    if source.startswith(('http://', 'https://')):
        try:
            response = urllib.request.urlopen(source, timeout=_HTTP_TIMEOUT)
        except urllib.error.HTTPError as err:
            raise WebDatasetError(f'{source}: HTTP {err.code} {err.reason}') from None
        except (urllib.error.URLError, OSError) as err:
            raise WebDatasetError(f'{source}: {getattr(err, "reason", err)}') from None
        with response:
            yield response
        return
    path = source[len('file://') :] if source.startswith('file://') else source
    try:
        f = open(path, 'rb')
    except OSError as err:
        raise WebDatasetError(f'{source}: {err.strerror or err}') from None
    with f:
        yield f


@functools.lru_cache(maxsize=64)
def _npy_header(header: bytes) -> Tuple[Tuple[int, ...], np.dtype]:
    f = io.BytesIO(header)
    version = np.lib.format.read_magic(f)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
    elif version == (2, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
    else:
        raise ValueError(f'.npy version {version[0]}.{version[1]} is not 1.0 or 2.0')
    if fortran or dtype.hasobject:
        raise ValueError('not a C-order array of plain numbers')
    return tuple(shape), dtype


def npy_layout(head: bytes, read_header: Any = None) -> Tuple[int, Tuple[int, ...], np.dtype]:
    """(offset of the data, shape, dtype) of an .npy file whose first bytes are `head` (at least 12; the whole header
    unless `read_header(length)` returns it). Headers are parsed once per distinct header: a tar's rows share one."""
    if len(head) < 12 or head[:6] != b'\x93NUMPY':
        raise ValueError('not a .npy file')
    start = 10 + int.from_bytes(head[8:10], 'little') if head[6] == 1 else 12 + int.from_bytes(head[8:12], 'little')
    header = head[:start] if len(head) >= start or read_header is None else read_header(start)
    if len(header) < start:
        raise ValueError('the .npy header is cut off')
    shape, dtype = _npy_header(bytes(header[:start]))
    return start, shape, dtype


def decode_npy(data: bytes) -> np.ndarray:
    """An .npy file's array (a writable copy), refusing object arrays as np.load(allow_pickle=False) does."""
    start, shape, dtype = npy_layout(data)
    count = int(np.prod(shape))
    if len(data) != start + count * dtype.itemsize:
        raise ValueError(f'{len(data) - start} bytes of data, its header says {count * dtype.itemsize}')
    return np.frombuffer(data, dtype=dtype, count=count, offset=start).reshape(shape).copy()


def _decode(source: str, key: str, ext: str, data: bytes) -> Any:
    try:
        if ext == 'npy':
            return decode_npy(data)
        if ext == 'cls':
            return int(data.decode('ascii').strip())
        if ext == 'json':
            return json.loads(data.decode('utf-8'))
    except (ValueError, UnicodeDecodeError) as err:
        raise WebDatasetError(f'{source}: {key}.{ext} cannot be decoded: {err}') from None
    return data


class _Tail:
    """A read-only stream that remembers its last bytes: enough to see the block where tarfile stopped reading."""

    KEEP = 4 * tarfile.RECORDSIZE  # tarfile's stream reads RECORDSIZE at a time

    def __init__(self, f: BinaryIO) -> None:
        self.f = f
        self.total = 0
        self.tail = b''

    def read(self, size: int = -1) -> bytes:
        data = self.f.read(size)
        self.total += len(data)
        self.tail = (self.tail + data)[-self.KEEP :]
        return data

    def ended_at(self, offset: int) -> bool:
        """Whether a whole zero block (the end-of-archive marker) was read at `offset`."""
        start = offset - (self.total - len(self.tail))
        block = self.tail[start : start + tarfile.BLOCKSIZE] if start >= 0 else b''
        return len(block) == tarfile.BLOCKSIZE and not block.strip(b'\0')


def samples(source: Source) -> Iterator[Dict[str, Any]]:
    """The samples of one tar in order: {'__key__', '__url__', 'npy', 'cls', 'json', ...} (each member decoded:
    .npy to an array, .cls to int, .json to its value; other extensions as bytes)."""
    source = os.fspath(source)
    current: Optional[Dict[str, Any]] = None
    with _opened(source) as raw:
        f = _Tail(raw)
        try:
            with tarfile.open(fileobj=f, mode='r|') as tar:  # type: ignore[call-overload]
                for member in tar:
                    if not member.isfile():
                        continue
                    parts = split_member(member.name)
                    if parts is None:
                        continue  # no extension: not part of any sample
                    key, ext = parts
                    handle = tar.extractfile(member)
                    data = handle.read() if handle is not None else b''
                    if len(data) != member.size:
                        raise WebDatasetError(f'{source}: {member.name} ends early (truncated tar)')
                    if current is None or current['__key__'] != key:
                        if current is not None:
                            yield current
                        current = {'__key__': key, '__url__': source}
                    if ext in current:
                        raise WebDatasetError(f'{source}: sample {key} has two {ext} members')
                    current[ext] = _decode(source, key, ext, data)
                # tarfile takes a cut-off header for the end: only the end-of-archive block proves it.
                if not f.ended_at(tar.offset):
                    raise WebDatasetError(f'{source}: the tar stops at byte {tar.offset} without its end-of-archive block (truncated)')
        except tarfile.TarError as err:
            raise WebDatasetError(f'{source}: not a readable tar ({err})') from None
    if current is not None:
        yield current


def _triple(sample: Dict[str, Any]) -> Tuple[np.ndarray, Optional[int], Dict[str, Any]]:
    key = sample['__key__']
    if 'npy' not in sample:
        raise WebDatasetError(f'{sample["__url__"]}: sample {key} has no .npy member')
    meta: Dict[str, Any] = dict(sample['json']) if isinstance(sample.get('json'), dict) else {}
    meta.update(parse_key(key) or {})
    meta['__key__'] = key
    meta['__url__'] = sample['__url__']
    return sample['npy'], sample.get('cls'), meta


def _shuffled(items: Iterable[Any], size: int, rng: random.Random) -> Iterator[Any]:
    buffer: List[Any] = []
    for item in items:
        if len(buffer) < size:
            buffer.append(item)
            continue
        i = rng.randrange(size)
        buffer[i], item = item, buffer[i]
        yield item
    rng.shuffle(buffer)
    yield from buffer


def webdataset_iter(
    paths_or_urls: Union[Source, Sequence[Source]],
    shuffle_buffer: int = 0,
    seed: Optional[Union[int, str]] = None,
) -> Iterator[Tuple[np.ndarray, Optional[int], Dict[str, Any]]]:
    """Yields (x, y, meta) for every sample of the given tars, in order, or shuffled through a buffer.

    paths_or_urls: one source or a list of them, each a local path, an http(s):// or file:// URL, `pipe:COMMAND`
    or `-` (standard input); brace patterns ('shard-{000..009}.tar') are expanded, except inside pipe: commands.
    x: the sample's array as stored; y: its integer label (from .cls), None in a build without labels; meta: the
    .json index row, plus `subset`, `epoch` and `position` read from the key, `__key__` and `__url__`.
    shuffle_buffer: 0 or 1 keeps the order; N > 1 shuffles through an N-sample buffer (WebDataset's shuffle), with
    `seed` (None: a fresh one each run). Memory stays at one tar member plus the buffer.
    """
    if not isinstance(shuffle_buffer, int) or isinstance(shuffle_buffer, bool) or shuffle_buffer < 0:
        raise ValueError(f'shuffle_buffer must be a non-negative integer, got {shuffle_buffer!r}')
    stream = (_triple(s) for source in source_list(paths_or_urls) for s in samples(source))
    if shuffle_buffer > 1:
        return _shuffled(stream, shuffle_buffer, random.Random(seed))
    return stream
