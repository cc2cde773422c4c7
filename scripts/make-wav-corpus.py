#!/usr/bin/env python3
"""Generates fixtures/wav/: small WAV files of every variant the reader must decode, each with
<name>.expected.npy (float32, shape [frames, channels]) computed by scipy/numpy/audioop, the broken files it must
reject, and README.md describing each file. Needs python3.11 (audioop), numpy, scipy and sox.

Expected samples: scipy.io.wavfile.read converted to float (int / 2^(container bits - 1), 8-bit unsigned
(x - 128) / 128, floats unchanged); G.711 through audioop.ulaw2lin/alaw2lin / 32768. Files scipy cannot read
(repaired-by-rule variants) take the samples scipy reads from their clean twin. Deterministic: a rerun rewrites
the same bytes.

Usage: python3 scripts/make-wav-corpus.py [out_dir]   (default fixtures/wav)
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import warnings
import wave

import numpy as np
import scipy.io.wavfile as wavfile

with warnings.catch_warnings():
    warnings.simplefilter('ignore', DeprecationWarning)
    import audioop

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, 'fixtures', 'wav')
TMP = tempfile.mkdtemp(prefix='wav-corpus-')

KS_TAIL = bytes([0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71])
README = []  # (file, what it is, what the reader must do)


# ---------------------------------------------------------------- signals

def signal(frames, channels, rate):
    """A sine plus a ramp per channel (different per channel so order matters), in (-1, 1)."""
    t = np.arange(frames) / rate
    cols = []
    for c in range(channels):
        ramp = np.linspace(-0.35, 0.35, frames) * (1 if c % 2 == 0 else -1)
        cols.append(0.6 * np.sin(2 * np.pi * 440 * (1 + 0.37 * c) * t + 0.7 * c) + ramp)
    return np.clip(np.stack(cols, axis=1), -0.999, 0.999)


def ints(x, bits):
    """Signed integers of `bits` bits; row 0 is full-scale negative and row 1 full-scale positive."""
    q = np.round(x * (2 ** (bits - 1) - 1)).astype(np.int64)
    q[0, :] = -(2 ** (bits - 1))
    q[1, :] = 2 ** (bits - 1) - 1
    return q


def pcm_bytes(q, bits, container, big=False):
    """Interleaved PCM: samples left-justified in `container` bytes; 1-byte containers unsigned."""
    v = q << (8 * container - bits)
    if container == 1:
        return (v + 128).astype(np.uint8).tobytes()
    raw = v.astype('>i8' if big else '<i8').view(np.uint8).reshape(-1, 8)
    return np.ascontiguousarray(raw[:, 8 - container:] if big else raw[:, :container]).tobytes()


def float_bytes(x, bits, big=False):
    return x.astype(('>' if big else '<') + ('f4' if bits == 32 else 'f8')).tobytes()


# ---------------------------------------------------------------- containers

def chunk(cid, body, e='<', size=None, pad=True):
    size = len(body) if size is None else size
    out = cid + struct.pack(e + 'I', size) + body
    return out + b'\0' if pad and len(body) % 2 else out


def riff(chunks, magic=b'RIFF', e='<', size=None, form=b'WAVE'):
    body = form + b''.join(chunks)
    return magic + struct.pack(e + 'I', len(body) if size is None else size) + body


def fmt(tag, channels, rate, bits, e='<', block_align=None, cb=None):
    ba = channels * ((bits + 7) // 8) if block_align is None else block_align
    body = struct.pack(e + 'HHIIHH', tag, channels, rate, rate * ba, ba, bits)
    if cb is not None:
        body += struct.pack(e + 'H', cb)
    return chunk(b'fmt ', body, e)


def fmt_ext(sub, channels, rate, bits, valid, mask, e='<', guid=None):
    ba = channels * bits // 8
    body = struct.pack(e + 'HHIIHHHHI', 0xFFFE, channels, rate, rate * ba, ba, bits, 22, valid, mask)
    body += guid if guid is not None else struct.pack(e + 'IHH', sub, 0, 0x0010) + KS_TAIL
    return chunk(b'fmt ', body, e)


def list_info(title):
    """A LIST/INFO chunk with one INAM string (odd sizes on purpose, so pad bytes appear)."""
    inam = chunk(b'INAM', title.encode() + b'\0')
    return chunk(b'LIST', b'INFO' + inam)


def pcm16_file(q, rate):
    return riff([fmt(1, q.shape[1], rate, 16), chunk(b'data', pcm_bytes(q, 16, 2))])


# ---------------------------------------------------------------- expected samples (oracles)

def from_scipy(path):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        rate, d = wavfile.read(path)
    d = d.reshape(d.shape[0], -1)
    if d.dtype == np.uint8:
        y = (d.astype(np.float64) - 128) / 128
    elif d.dtype.kind == 'i':
        y = d.astype(np.float64) / 2 ** (8 * d.dtype.itemsize - 1)
    else:
        y = d
    return rate, y.astype(np.float32)


def twin(data):
    """scipy's samples for a clean file written to a scratch path."""
    path = os.path.join(TMP, 'twin.wav')
    with open(path, 'wb') as f:
        f.write(data)
    return from_scipy(path)


def walk(data):
    """(channels, data bytes) of a well-formed little-endian RIFF file: a minimal independent chunk walk."""
    pos, channels, body = 12, None, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack('<I', data[pos + 4:pos + 8])[0]
        if cid == b'fmt ':
            channels = struct.unpack('<H', data[pos + 10:pos + 12])[0]
        elif cid == b'data':
            body = data[pos + 8:pos + 8 + size]
        pos += 8 + size + (size & 1)
    return channels, body


def from_g711(data, law):
    channels, body = walk(data)
    lin = (audioop.ulaw2lin if law == 'ulaw' else audioop.alaw2lin)(body, 2)
    return (np.frombuffer(lin, '<i2').astype(np.float64) / 32768).reshape(-1, channels).astype(np.float32)


# ---------------------------------------------------------------- writing

def put(name, data, what, must):
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(data)
    README.append((name, what, must))


def readable(name, data, what, expected=None, intended=None, rate=None, note='decode'):
    """A file the reader must decode. expected: (rate, samples) from an oracle; default scipy on the file itself.
    intended: the samples the generator meant, cross-checked against the oracle."""
    put(name, data, what, note)
    if expected is None:
        expected = from_scipy(os.path.join(OUT, name))
    got_rate, y = expected
    if rate is not None:
        assert got_rate == rate, (name, got_rate, rate)
    if intended is not None:
        assert np.array_equal(y, intended.astype(np.float32)), f'{name}: oracle disagrees with the generator'
    assert y.dtype == np.float32 and y.ndim == 2 and y.shape[0] > 0
    np.save(os.path.join(OUT, name[:-4] + '.expected.npy'), y)


def broken(name, data, what, must):
    put(name, data, what, f'throw WavError "{must}"')


def sox(src_bytes, args):
    src = os.path.join(TMP, 'src.wav')
    dst = os.path.join(TMP, 'dst.wav')
    with open(src, 'wb') as f:
        f.write(src_bytes)
    subprocess.run(['sox', '-V1', '-D', src, *args, dst], check=True)
    with open(dst, 'rb') as f:
        return f.read()


def write_scipy(rate, array):
    path = os.path.join(TMP, 'scipy.wav')
    wavfile.write(path, rate, array)
    with open(path, 'rb') as f:
        return f.read()


def main():
    if os.path.isdir(OUT):
        for entry in os.listdir(OUT):
            if entry.endswith(('.wav', '.npy')) or entry == 'README.md':
                os.remove(os.path.join(OUT, entry))
    os.makedirs(OUT, exist_ok=True)

    # ---- plain PCM / float written by real writers
    x = signal(401, 1, 8000)
    q = ints(x, 8)
    path = os.path.join(TMP, 'wave8.wav')
    with wave.open(path, 'wb') as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(8000)
        w.writeframes(pcm_bytes(q, 8, 1))
    with open(path, 'rb') as f:
        readable('pcm8_mono_pywave.wav', f.read(),
                 "8-bit unsigned PCM mono 8 kHz written by Python's wave module (odd data size, no final pad byte)",
                 intended=q / 128, rate=8000)

    q = ints(signal(400, 1, 16000), 16)
    readable('pcm16_mono.wav', write_scipy(16000, q[:, 0].astype(np.int16)),
             '16-bit PCM mono 16 kHz written by scipy (the fast path)', intended=q / 32768, rate=16000)

    q = ints(signal(400, 2, 22050), 16)
    readable('pcm16_stereo.wav', write_scipy(22050, q.astype(np.int16)),
             '16-bit PCM stereo 22.05 kHz written by scipy', intended=q / 32768, rate=22050)

    q = ints(signal(300, 3, 11025), 16)
    readable('pcm16_3ch.wav', write_scipy(11025, q.astype(np.int16)),
             '16-bit PCM, 3 channels, 11.025 kHz written by scipy (plain PCM tag, no EXTENSIBLE)',
             intended=q / 32768, rate=11025)

    q = ints(signal(400, 2, 16000), 32)
    readable('pcm32_stereo.wav', write_scipy(16000, q.astype(np.int32)),
             '32-bit integer PCM stereo 16 kHz written by scipy', intended=q / 2 ** 31, rate=16000)

    x = signal(400, 1, 16000).astype(np.float32)
    x[5, 0], x[6, 0] = 1.25, -1.5
    readable('float32_mono.wav', write_scipy(16000, x[:, 0]),
             'IEEE float 32-bit mono 16 kHz written by scipy (fmt 18 bytes + fact), two samples beyond [-1, 1]',
             intended=x, rate=16000)

    x = signal(300, 2, 8000)
    x[3, 1] = 1 / 3  # needs float64 -> float32 rounding
    readable('float64_stereo.wav', write_scipy(8000, x),
             'IEEE float 64-bit stereo 8 kHz written by scipy (reader rounds to float32)', intended=x, rate=8000)

    # ---- sox: 24-bit (sox writes WAVE_FORMAT_EXTENSIBLE) and G.711
    q32 = ints(signal(400, 2, 48000), 32)
    data = sox(write_scipy(48000, q32.astype(np.int32)), ['-b', '24'])
    readable('pcm24_stereo_sox.wav', data, '24-bit PCM stereo 48 kHz written by sox (WAVE_FORMAT_EXTENSIBLE, fact)',
             rate=48000)
    q16 = ints(signal(400, 2, 8000), 16).astype(np.int16)
    data = sox(write_scipy(8000, q16), ['-e', 'u-law'])
    readable('ulaw_stereo_sox.wav', data, 'G.711 mu-law stereo 8 kHz written by sox (fmt 18 bytes + fact)',
             expected=(8000, from_g711(data, 'ulaw')))
    data = sox(write_scipy(8000, q16[:, :1].copy()), ['-e', 'a-law'])
    readable('alaw_mono_sox.wav', data, 'G.711 A-law mono 8 kHz written by sox (fmt 18 bytes + fact)',
             expected=(8000, from_g711(data, 'alaw')))
    codes = bytes(range(256))
    for law, tag in (('ulaw', 7), ('alaw', 6)):
        data = riff([fmt(tag, 1, 8000, 8, cb=0), chunk(b'fact', struct.pack('<I', 256)), chunk(b'data', codes)])
        readable(f'{law}_all_codes.wav', data,
                 f'G.711 {"mu" if law == "ulaw" else "A"}-law mono 8 kHz holding every code 0..255 once (whole table)',
                 expected=(8000, from_g711(data, law)))

    # ---- hand-made PCM variants
    q = ints(signal(400, 2, 44100), 24)
    readable('pcm24_stereo.wav', riff([fmt(1, 2, 44100, 24), chunk(b'data', pcm_bytes(q, 24, 3))]),
             '24-bit PCM stereo 44.1 kHz, plain PCM tag', intended=q / 2 ** 23, rate=44100)

    q = ints(signal(400, 2, 32000), 12)
    readable('pcm12_in_16bit_container.wav',
             riff([fmt(1, 2, 32000, 12), chunk(b'data', pcm_bytes(q, 12, 2))]),
             '12-bit PCM stereo 32 kHz left-justified in 16-bit containers (block align 4)',
             intended=(q << 4) / 32768, rate=32000)

    q = ints(signal(300, 2, 16000), 16)
    readable('ext_pcm16_stereo.wav',
             riff([fmt_ext(1, 2, 16000, 16, 16, 0x3), chunk(b'data', pcm_bytes(q, 16, 2))]),
             'WAVE_FORMAT_EXTENSIBLE, PCM subformat, 16-bit stereo 16 kHz', intended=q / 32768, rate=16000)

    q = ints(signal(200, 6, 48000), 20)
    readable('ext_pcm24_valid20_6ch.wav',
             riff([fmt_ext(1, 6, 48000, 24, 20, 0x3F), chunk(b'data', pcm_bytes(q, 20, 3))]),
             'WAVE_FORMAT_EXTENSIBLE PCM, 6 channels (5.1 mask), 20 valid bits in 24-bit containers, 48 kHz',
             intended=(q << 4) / 2 ** 23, rate=48000)

    x = signal(300, 2, 22050).astype(np.float32)
    readable('ext_float32_stereo.wav',
             riff([fmt_ext(3, 2, 22050, 32, 32, 0x3), chunk(b'fact', struct.pack('<I', 300)),
                   chunk(b'data', float_bytes(x, 32))]),
             'WAVE_FORMAT_EXTENSIBLE, IEEE float subformat, 32-bit stereo 22.05 kHz', intended=x, rate=22050)

    q = ints(signal(300, 2, 8000), 64)
    q[2:] += (np.arange(2, 300)[:, None] * 2654435761 + np.array([0, 977])) & 0xFFFFF  # low bits below float64's 53
    readable('pcm64_stereo.wav', riff([fmt(1, 2, 8000, 64), chunk(b'data', pcm_bytes(q, 64, 8))]),
             '64-bit integer PCM stereo 8 kHz (scipy reads it as int64)', intended=q / 2 ** 63, rate=8000)
    q = ints(signal(300, 1, 8000), 36)
    readable('pcm36_in_40bit_mono.wav', riff([fmt(1, 1, 8000, 36), chunk(b'data', pcm_bytes(q, 36, 5))]),
             '36-bit PCM mono 8 kHz left-justified in 5-byte containers', intended=(q << 4) / 2 ** 39, rate=8000)

    # ---- big-endian RIFX
    q = ints(signal(300, 2, 16000), 16)
    readable('rifx_pcm16_stereo.wav',
             riff([fmt(1, 2, 16000, 16, e='>'), chunk(b'data', pcm_bytes(q, 16, 2, big=True), e='>')],
                  magic=b'RIFX', e='>'),
             'big-endian RIFX, 16-bit PCM stereo 16 kHz', intended=q / 32768, rate=16000)
    q = ints(signal(301, 1, 8000), 24)
    readable('rifx_pcm24_mono.wav',
             riff([fmt(1, 1, 8000, 24, e='>'), chunk(b'data', pcm_bytes(q, 24, 3, big=True), e='>')],
                  magic=b'RIFX', e='>'),
             'big-endian RIFX, 24-bit PCM mono 8 kHz (odd data size, pad byte)', intended=q / 2 ** 23, rate=8000)
    x = signal(300, 1, 16000).astype(np.float32)
    readable('rifx_float32_mono.wav',
             riff([fmt(3, 1, 16000, 32, e='>'), chunk(b'data', float_bytes(x, 32, big=True), e='>')],
                  magic=b'RIFX', e='>'),
             'big-endian RIFX, IEEE float 32-bit mono 16 kHz', intended=x, rate=16000)
    q = ints(signal(300, 1, 16000), 16)
    readable('rifx_ext_pcm16_mono.wav',
             riff([fmt_ext(1, 1, 16000, 16, 16, 0x4, e='>'), chunk(b'data', pcm_bytes(q, 16, 2, big=True), e='>')],
                  magic=b'RIFX', e='>'),
             'big-endian RIFX with WAVE_FORMAT_EXTENSIBLE (big-endian GUID fields), 16-bit mono 16 kHz',
             intended=q / 32768, rate=16000)

    # ---- RF64 / BW64
    def rf64(magic, q, bits, rate):
        body = pcm_bytes(q, bits, bits // 8)
        fmt_c = fmt(1, q.shape[1], rate, bits)
        ds64 = chunk(b'ds64', struct.pack('<QQQI', 4 + 36 + len(fmt_c) + 8 + len(body), len(body), q.shape[0], 0))
        return riff([ds64, fmt_c, chunk(b'data', body, size=0xFFFFFFFF)], magic=magic, size=0xFFFFFFFF)

    q = ints(signal(400, 1, 16000), 16)
    readable('rf64_pcm16_mono.wav', rf64(b'RF64', q, 16, 16000),
             'RF64: sizes 0xFFFFFFFF, real sizes in the ds64 chunk; 16-bit PCM mono 16 kHz', intended=q / 32768,
             rate=16000)
    q = ints(signal(300, 2, 48000), 24)
    data = rf64(b'BW64', q, 24, 48000)
    readable('bw64_pcm24_stereo.wav', data, 'BW64 (ITU-R BS.2088: the RF64 layout under another magic); 24-bit stereo 48 kHz',
             expected=twin(b'RF64' + data[4:]), intended=q / 2 ** 23, rate=48000)

    # ---- extra chunks and layout quirks
    q = ints(signal(400, 1, 16000), 16)
    clean = pcm16_file(q, 16000)
    cue = struct.pack('<I', 1) + struct.pack('<II4sIII', 1, 0, b'data', 0, 0, 100)
    readable('extra_chunks.wav',
             riff([chunk(b'JUNK', bytes(28)), fmt(1, 1, 16000, 16), chunk(b'fact', struct.pack('<I', 400)),
                   list_info('keyword yes'), chunk(b'cue ', cue), chunk(b'data', pcm_bytes(q, 16, 2)),
                   list_info('trailing LIST after data')]),
             'JUNK, fmt, fact, LIST/INFO (odd INAM + pad), cue, data, LIST after data; 16-bit mono 16 kHz',
             intended=q / 32768, rate=16000)
    readable('odd_chunk_before_data.wav',
             riff([fmt(1, 1, 16000, 16), chunk(b'afsp', b'odd-sized!!!!'), chunk(b'data', pcm_bytes(q, 16, 2))]),
             'a 13-byte chunk + pad byte right before data (the layout that breaks several npm readers)',
             intended=q / 32768, rate=16000)
    readable('odd_chunk_missing_pad.wav',
             riff([fmt(1, 1, 16000, 16), chunk(b'afsp', b'odd-sized!!!!', pad=False),
                   chunk(b'data', pcm_bytes(q, 16, 2))]),
             'a 13-byte chunk WITHOUT its pad byte before data (writer bug)',
             expected=twin(clean), intended=q / 32768, rate=16000,
             note='decode: the pad is taken as missing (the unpadded position holds "data", the padded one "ata " + garbage)')
    q8 = ints(signal(301, 1, 8000), 8)
    readable('pcm8_odd_data_then_list.wav',
             riff([fmt(1, 1, 8000, 8), chunk(b'data', pcm_bytes(q8, 8, 1)), list_info('after odd data')]),
             '8-bit PCM mono 8 kHz, 301-byte data + pad byte, then a LIST chunk', intended=q8 / 128, rate=8000)
    readable('data_before_fmt.wav',
             riff([chunk(b'data', pcm_bytes(q, 16, 2)), fmt(1, 1, 16000, 16)]),
             'data chunk before the fmt chunk', expected=twin(clean), intended=q / 32768, rate=16000,
             note='decode (fmt may follow data)')
    readable('stale_riff_size.wav', riff([fmt(1, 1, 16000, 16), chunk(b'data', pcm_bytes(q, 16, 2))], size=36),
             'RIFF size 36 left stale by a writer that never patched it; chunks intact',
             expected=twin(clean), intended=q / 32768, rate=16000, note='decode (RIFF size is advisory)')
    readable('trailing_garbage.wav', clean + b'TAG' + bytes(range(125)),
             'an ID3v1 tag (128 bytes, not a chunk) appended after the data chunk',
             expected=twin(clean), intended=q / 32768, rate=16000, note='decode (nothing after data is read)')

    q2 = ints(signal(300, 2, 16000), 16)
    clean2 = pcm16_file(q2, 16000)
    body = pcm_bytes(q2, 16, 2)
    readable('partial_last_frame.wav', riff([fmt(1, 2, 16000, 16), chunk(b'data', body + b'\x01\x02')]),
             '16-bit stereo whose data holds 300 frames + 2 stray bytes (half a frame)',
             expected=twin(clean2), intended=q2 / 32768, rate=16000, note='decode 300 frames (partial frame dropped)')
    readable('stream_size_ffffffff.wav',
             riff([fmt(1, 2, 16000, 16), chunk(b'data', body + b'\x01\x02', size=0xFFFFFFFF, pad=False)],
                  size=0xFFFFFFFF),
             'streamed recording: RIFF and data sizes 0xFFFFFFFF, 300 frames + half a frame to end of file',
             expected=twin(clean2), intended=q2 / 32768, rate=16000,
             note='decode to end of file, whole frames only (300)')
    readable('stream_size_zero.wav',
             riff([fmt(1, 1, 16000, 16), chunk(b'data', pcm_bytes(q, 16, 2), size=0)], size=0),
             'streamed recording never patched: RIFF size 0 and data size 0, 400 frames follow',
             expected=twin(clean), intended=q / 32768, rate=16000, note='decode to end of file')

    # ---- broken files
    q = ints(signal(400, 1, 16000), 16)
    clean = write_scipy(16000, q[:, 0].astype(np.int16))
    broken('truncated_data.wav', clean[:44 + 310],
           'scipy 16-bit mono file cut off inside the data chunk', 'truncated: data chunk declares 800 bytes, 310 present')
    broken('truncated_in_fmt.wav', clean[:30], 'file cut off inside the fmt chunk',
           "truncated: 'fmt ' chunk at byte 12 declares 16 bytes, 10 present")
    data = rf64(b'RF64', q, 16, 16000)
    broken('truncated_rf64.wav', data[:-200], 'RF64 whose ds64 data size exceeds the bytes present',
           'truncated: data chunk declares 800 bytes, 600 present')
    broken('chunk_past_end.wav',
           riff([chunk(b'LIST', b'INFO', size=100000), fmt(1, 1, 16000, 16), chunk(b'data', pcm_bytes(q, 16, 2))]),
           'a LIST chunk before fmt declaring 100000 bytes', "truncated: 'LIST' chunk at byte 12 declares 100000 bytes")
    broken('fmt_too_short.wav',
           riff([chunk(b'fmt ', struct.pack('<HHIIH', 1, 1, 16000, 32000, 2)), chunk(b'data', pcm_bytes(q, 16, 2))]),
           'fmt chunk of 14 bytes (old WAVEFORMAT without bits per sample)', 'bad header: fmt chunk is 14 bytes')
    broken('block_align_mismatch.wav',
           riff([fmt(1, 2, 16000, 16, block_align=2), chunk(b'data', pcm_bytes(q, 16, 2))]),
           'stereo 16-bit whose block align says 2', 'bad header: block align 2 does not match 2 channels x 16 bits')
    broken('ext_fmt_too_short.wav',
           riff([fmt(0xFFFE, 1, 16000, 16, cb=0), chunk(b'data', pcm_bytes(q, 16, 2))]),
           'WAVE_FORMAT_EXTENSIBLE tag with an 18-byte fmt chunk (no extension)',
           'bad header: WAVE_FORMAT_EXTENSIBLE fmt chunk is 18 bytes')
    broken('zero_channels.wav', riff([fmt(1, 0, 16000, 16, block_align=0), chunk(b'data', pcm_bytes(q, 16, 2))]),
           'fmt says 0 channels', 'bad header: 0 channels')
    broken('zero_sample_rate.wav', riff([fmt(1, 1, 0, 16), chunk(b'data', pcm_bytes(q, 16, 2))]),
           'fmt says sample rate 0', 'bad header: sample rate 0')
    broken('rf64_no_ds64.wav',
           riff([fmt(1, 1, 16000, 16), chunk(b'data', pcm_bytes(q, 16, 2), size=0xFFFFFFFF)],
                magic=b'RF64', size=0xFFFFFFFF),
           'RF64 with data size 0xFFFFFFFF but no ds64 chunk', 'bad header: RF64 data chunk needs a ds64 chunk')
    broken('zero_frames.wav', riff([fmt(1, 1, 16000, 16), chunk(b'data', b'')]),
           'well-formed header, data chunk of 0 bytes', 'no audio: data chunk holds 0 whole frames')
    broken('half_frame_only.wav', riff([fmt(1, 2, 16000, 16), chunk(b'data', b'\x01\x02')]),
           'stereo 16-bit whose data is 2 bytes (half a frame)', 'no audio: data chunk holds 0 whole frames')
    broken('no_fmt.wav', riff([list_info('x'), chunk(b'data', pcm_bytes(q, 16, 2))]),
           'LIST and data chunks, no fmt chunk', 'no fmt chunk')
    broken('no_data.wav', riff([fmt(1, 1, 16000, 16), list_info('no audio here')]),
           'fmt and LIST chunks, no data chunk', 'no data chunk')

    src16 = write_scipy(8000, ints(signal(400, 1, 8000), 16).astype(np.int16))
    broken('ima_adpcm_sox.wav', sox(src16, ['-e', 'ima-adpcm']), 'IMA ADPCM written by sox',
           'unsupported codec: format tag 0x0011 (IMA ADPCM)')
    broken('ms_adpcm_sox.wav', sox(src16, ['-e', 'ms-adpcm']), 'Microsoft ADPCM written by sox',
           'unsupported codec: format tag 0x0002 (MS ADPCM)')
    broken('gsm610_sox.wav', sox(src16, ['-e', 'gsm-full-rate']), 'GSM 6.10 written by sox',
           'unsupported codec: format tag 0x0031 (GSM 6.10)')
    # MPEGLAYER3WAVEFORMAT: WAVEFORMATEX (tag 0x55, 16000 Hz, 4000 B/s, block 1, 0 bits, cb 12) + 12 bytes of MP3 info.
    mp3_fmt = struct.pack('<HHIIHHH', 0x55, 1, 16000, 4000, 1, 0, 12) + struct.pack('<HIHHH', 1, 2, 144, 1, 1393)
    fake_frames = (b'\xff\xf3\x48\xc4' + bytes(140)) * 3
    broken('mp3_in_wav.wav', riff([chunk(b'fmt ', mp3_fmt), chunk(b'fact', struct.pack('<I', 1728)),
                                   chunk(b'data', fake_frames)]),
           'MP3 frames in a WAV container (MPEGLAYER3WAVEFORMAT)', 'unsupported codec: format tag 0x0055 (MPEG Layer 3)')
    broken('ext_adpcm_subformat.wav', riff([fmt_ext(2, 1, 16000, 16, 16, 0x4), chunk(b'data', bytes(64))]),
           'WAVE_FORMAT_EXTENSIBLE whose subformat GUID is MS ADPCM',
           'unsupported codec: WAVE_FORMAT_EXTENSIBLE subformat 0x0002 (MS ADPCM)')
    ambisonic = struct.pack('<IHH', 1, 0x0721, 0x11D3) + bytes([0x86, 0x44, 0xC8, 0xC1, 0xCA, 0x00, 0x00, 0x00])
    broken('ext_unknown_guid.wav', riff([fmt_ext(0, 4, 48000, 16, 16, 0, guid=ambisonic), chunk(b'data', bytes(64))]),
           'WAVE_FORMAT_EXTENSIBLE with a non-KSDATAFORMAT subformat GUID (ambisonic B-format)',
           'unsupported codec: WAVE_FORMAT_EXTENSIBLE subformat {00000001-0721-11D3-8644-C8C1CA000000}')
    broken('float16.wav', riff([fmt(3, 1, 16000, 16), chunk(b'data', bytes(64))]),
           'IEEE float tag with 16 bits per sample', 'unsupported codec: 16-bit IEEE float')
    broken('pcm_zero_bits.wav', riff([fmt(1, 1, 16000, 0, block_align=2), chunk(b'data', bytes(64))]),
           'PCM whose fmt says 0 bits per sample', 'bad header: 0 bits per sample')
    broken('pcm72.wav', riff([fmt(1, 1, 16000, 72), chunk(b'data', bytes(72))]),
           '72-bit integer PCM (wider than any container scipy reads)', 'unsupported codec: 72-bit integer PCM')

    broken('empty.wav', b'', 'a 0-byte file', 'not a WAV file: empty')
    broken('riff_only.wav', b'RIFF', 'the 4 bytes "RIFF" and nothing else', 'not a WAV file: 4 bytes')
    broken('mp3_renamed.wav', b'ID3\x04\x00\x00\x00\x00\x00\x0a' + bytes(10) + b'\xff\xfb\x90\x44' + bytes(60),
           'an MP3 (ID3 tag) saved with a .wav name', "not a WAV file: no RIFF/RIFX/RF64 magic (starts with 'ID3\\x04')")
    broken('html_error_page.wav', b'<!DOCTYPE html><html><body>429 Too Many Requests</body></html>\n',
           'an HTTP error page saved by a scraper', "not a WAV file: no RIFF/RIFX/RF64 magic (starts with '<!DO')")
    broken('riff_avi.wav', riff([chunk(b'LIST', b'hdrlavih' + bytes(8))], form=b'AVI '),
           'a RIFF file of form AVI', "not a WAV file: RIFF form type is 'AVI ', not 'WAVE'")

    readme = ['# WAV corpus for src/audio/wav.ts',
              '',
              'Generated by `python3 scripts/make-wav-corpus.py` (numpy, scipy, audioop, sox); do not edit by hand.',
              'Each decodable file has `<name>.expected.npy`: float32 [frames, channels] from scipy.io.wavfile.read',
              '(int / 2^(container bits - 1), 8-bit (x - 128) / 128, floats as is) or audioop (G.711 / 32768);',
              'files scipy cannot read take the samples scipy reads from their clean twin.',
              '',
              '| file | what it is | the reader must |',
              '| --- | --- | --- |']
    for name, what, must in README:
        readme.append(f'| {name} | {what} | {must} |')
    with open(os.path.join(OUT, 'README.md'), 'w') as f:
        f.write('\n'.join(readme) + '\n')
    shutil.rmtree(TMP)
    total = sum(os.path.getsize(os.path.join(OUT, e)) for e in os.listdir(OUT))
    print(f'{len(README)} WAV files, {total} bytes in {OUT}')


if __name__ == '__main__':
    main()
