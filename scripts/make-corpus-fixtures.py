#!/usr/bin/env python3
"""Generates two small look-alikes of real keyword-spotting corpora, for the tests of split lists and manifests:

  fixtures/speech_commands/   Google Speech Commands v2's layout: <word>/<8 hex>_nohash_<n>.wav, _background_noise_/,
                              validation_list.txt and testing_list.txt made by TensorFlow's which_set(10, 10) as the
                              official lists were, one listed file missing as on some mirrors
  fixtures/mswc/              MLCommons' Multilingual Spoken Words Corpus layout for one language: en/clips/<word>/
                              common_voice_en_<n>.<ext> and en_splits.csv with its columns SET,LINK,WORD,VALID,SPEAKER,
                              GENDER (SET: TRAIN, DEV, TEST; a speaker in one set; some rows VALID False)

The clips are short synthetic tones (a pitch per word, shifted per speaker, a noise floor), 16 kHz mono 16-bit:
what is tested is which file lands in which subset, not what it says. Deterministic: one seeded numpy generator
draws everything and WAV files carry no dates, so a rerun rewrites the same bytes. Needs python3 and numpy.

MSWC ships Opus clips (and a WAV edition); so does the look-alike: its clips are encoded with opusenc (opus-tools,
which must be installed; a fixed serial number, so a rerun with the same opusenc rewrites the same bytes).
MSWC_FORMAT = 'wav' makes the WAV edition instead.

Usage: python3 scripts/make-corpus-fixtures.py [fixtures_dir]   (default fixtures/)
"""
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import wave

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, 'fixtures')
SEED = 20261203
RATE = 16000
MSWC_FORMAT = 'opus'
BUDGET_BYTES = 600_000  # both fixtures together: they are committed

rng = np.random.default_rng(SEED)

MAX_NUM_WAVS_PER_CLASS = 2**27 - 1


def which_set(filename, validation_percentage, testing_percentage):
    """TensorFlow speech_commands input_data.which_set, line for line."""
    base_name = os.path.basename(filename)
    hash_name = re.sub(r'_nohash_.*$', '', base_name)
    hash_name_hashed = hashlib.sha1(hash_name.encode('utf-8')).hexdigest()
    percentage_hash = (int(hash_name_hashed, 16) % (MAX_NUM_WAVS_PER_CLASS + 1)) * (100.0 / MAX_NUM_WAVS_PER_CLASS)
    if percentage_hash < validation_percentage:
        return 'validation'
    if percentage_hash < (testing_percentage + validation_percentage):
        return 'testing'
    return 'training'


def clip(freq, seconds):
    """A tone with a short fade in and out over a quiet noise floor, as 16-bit PCM bytes."""
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    fade = np.minimum(1, np.minimum(t, t[::-1]) / 0.01)
    x = 0.4 * np.sin(2 * np.pi * freq * t) * fade + 0.003 * rng.standard_normal(n)
    return (np.clip(x, -1, 1) * 32767).astype('<i2').tobytes()


def write_wav(path, pcm):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    buf = io.BytesIO()
    with wave.open(buf, 'wb') as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm)
    with open(path, 'wb') as f:
        f.write(buf.getvalue())


def write_clip(path, pcm, fmt='wav'):
    if fmt == 'wav':
        return write_wav(path, pcm)
    tmp = path + '.tmp.wav'
    write_wav(tmp, pcm)
    subprocess.run(['opusenc', '--quiet', '--serial', '1', tmp, path], check=True)
    os.remove(tmp)


def hex_id(n_hex):
    return ''.join('0123456789abcdef'[i] for i in rng.integers(0, 16, n_hex))


# ---------------------------------------------------------------- Speech Commands

def speech_commands():
    out = os.path.join(FIXTURES, 'speech_commands')
    shutil.rmtree(out, ignore_errors=True)
    keywords = ['yes', 'no', 'up', 'down']
    others = ['bed', 'cat', 'house']
    freqs = dict(zip(keywords + others, [300, 420, 560, 700, 850, 1000, 1200]))
    # Speakers by their which_set subset: enough of each that every subset gets every keyword.
    want = {'training': 14, 'validation': 3, 'testing': 3}
    speakers = {s: [] for s in want}
    while any(len(speakers[s]) < n for s, n in want.items()):
        sid = hex_id(8)
        s = which_set(f'{sid}_nohash_0.wav', 10, 10)
        if len(speakers[s]) < want[s]:
            speakers[s].append(sid)
    files = []
    for subset in ('training', 'validation', 'testing'):
        for sid in speakers[subset]:
            pitch = float(rng.uniform(0.8, 1.25))
            for word in keywords + others:
                said = rng.uniform() < (0.85 if word in keywords else 0.4)
                if not said and not (subset != 'training' and word in keywords):
                    continue
                reps = int(rng.integers(1, 3)) if word in keywords else 1
                for k in range(reps):
                    files.append((f'{word}/{sid}_nohash_{k}.wav', freqs[word] * pitch))
    files.sort()
    # One listed testing file is absent, as the official lists name a few files some mirrors lack.
    absent = next(f for f, _ in files if f.startswith('yes/') and which_set(f, 10, 10) == 'testing')
    for rel, freq in files:
        if rel != absent:
            write_wav(os.path.join(out, rel), clip(freq, float(rng.uniform(0.05, 0.08))))
    lists = {'validation': [], 'testing': []}
    for rel, _ in files:
        s = which_set(rel, 10, 10)
        if s in lists:
            lists[s].append(rel)
    for s, entries in lists.items():
        with open(os.path.join(out, f'{s}_list.txt'), 'w', newline='\n') as f:
            f.write(''.join(f'{e}\n' for e in entries))
    noise = (np.clip(0.1 * rng.standard_normal(RATE // 2), -1, 1) * 32767).astype('<i2').tobytes()
    write_wav(os.path.join(out, '_background_noise_', 'white_noise.wav'), noise)
    with open(os.path.join(out, '_background_noise_', 'README.md'), 'w') as f:
        f.write('Background noise for mixing, as in Speech Commands (one short file here).\n')
    with open(os.path.join(out, 'README.md'), 'w') as f:
        f.write(
            'A small look-alike of Google Speech Commands v2 (made by scripts/make-corpus-fixtures.py; see\n'
            'fixtures/README.md): the same layout, file names and list files, synthetic tones for clips.\n'
        )
    return out, len(files) - 1, absent


# ---------------------------------------------------------------- MSWC

def mswc():
    out = os.path.join(FIXTURES, 'mswc')
    shutil.rmtree(out, ignore_errors=True)
    words = ['left', 'right', 'on', 'off', 'house', 'water', 'music']
    freqs = dict(zip(words, [330, 470, 610, 760, 900, 1050, 1250]))
    sets = ['TRAIN'] * 8 + ['DEV'] * 2 + ['TEST'] * 2
    speakers = [(hashlib.sha512(hex_id(16).encode()).hexdigest(), s) for s in sets]
    genders = ['MALE', 'FEMALE', 'OTHER', 'NAN']
    rows = []
    next_id = 17_000_000
    for speaker, subset in speakers:
        gender = genders[int(rng.integers(0, 4))]
        pitch = float(rng.uniform(0.8, 1.25))
        for word in words:
            for _ in range(int(rng.integers(1, 3))):
                next_id += int(rng.integers(1, 5000))
                link = f'{word}/common_voice_en_{next_id}.{MSWC_FORMAT}'
                valid = 'False' if rng.uniform() < 0.12 else 'True'
                rows.append((subset, link, word, valid, speaker, gender, freqs[word] * pitch))
    rows.sort(key=lambda r: (r[0] != 'TRAIN', r[0] != 'DEV', r[1]))
    for _, link, _, _, _, _, freq in rows:
        write_clip(os.path.join(out, 'en', 'clips', link), clip(freq, float(rng.uniform(0.05, 0.08))), MSWC_FORMAT)
    with open(os.path.join(out, 'en_splits.csv'), 'w', newline='\n') as f:
        f.write('SET,LINK,WORD,VALID,SPEAKER,GENDER\n')
        for subset, link, word, valid, speaker, gender, _ in rows:
            f.write(f'{subset},{link},{word},{valid},{speaker},{gender}\n')
    return out, len(rows)


def size(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


if __name__ == '__main__':
    sc, n_sc, absent = speech_commands()
    ms, n_ms = mswc()
    total = size(sc) + size(ms)
    print(f'make-corpus-fixtures: {n_sc} clips in {os.path.relpath(sc, ROOT)} (listed but absent: {absent}), '
          f'{n_ms} in {os.path.relpath(ms, ROOT)}; {total} bytes')
    if total > BUDGET_BYTES:
        sys.exit(f'make-corpus-fixtures: {total} bytes, over the {BUDGET_BYTES}-byte budget')
