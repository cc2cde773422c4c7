#!/usr/bin/env python3
"""How the reference loaders assign a corpus's files to subsets, ported line for line, for test/build/corpora.test.ts
to compare audiogen's builds with, file for file. Prints JSON.

  corpora_reference.py torchaudio ROOT
      torchaudio.datasets.SPEECHCOMMANDS's walker for subset training, validation and testing (torchaudio 2.x:
      _load_list and the training glob), paths relative to ROOT: {"training": [...], "validation": [...], ...}
  corpora_reference.py tensorflow ROOT VALIDATION_PERCENTAGE TESTING_PERCENTAGE
      tensorflow/examples/speech_commands input_data.py's prepare_data_index: which subset each file of ROOT/*/*.wav
      gets (which_set), every word known: {"training": [...], ...}
  corpora_reference.py which_set VALIDATION_PERCENTAGE TESTING_PERCENTAGE NAME...
      which_set of each name (a speaker id, say): {"name": "subset", ...}
"""
import glob
import hashlib
import json
import os
import re
import sys
from pathlib import Path

# --------------------------------------------------------------------------- tensorflow/examples/speech_commands

MAX_NUM_WAVS_PER_CLASS = 2**27 - 1  # ~134M
BACKGROUND_NOISE_DIR_NAME = '_background_noise_'


def which_set(filename, validation_percentage, testing_percentage):
    base_name = os.path.basename(filename)
    # We want to ignore anything after '_nohash_' in the file name when deciding which set to put a wav in, so the
    # data set creator has a way of grouping wavs that are close variations of each other.
    hash_name = re.sub(r'_nohash_.*$', '', base_name)
    # This looks a bit magical, but we need to decide whether this file should go into the training, testing, or
    # validation sets, and we want to keep existing files in the same set even if more files are subsequently added.
    hash_name_hashed = hashlib.sha1(hash_name.encode('utf-8')).hexdigest()
    percentage_hash = ((int(hash_name_hashed, 16) % (MAX_NUM_WAVS_PER_CLASS + 1)) * (100.0 / MAX_NUM_WAVS_PER_CLASS))
    if percentage_hash < validation_percentage:
        result = 'validation'
    elif percentage_hash < (testing_percentage + validation_percentage):
        result = 'testing'
    else:
        result = 'training'
    return result


def prepare_data_index(data_dir, validation_percentage, testing_percentage):
    """The assignment part of AudioProcessor.prepare_data_index, every word wanted (no silence or unknown draws)."""
    data_index = {'validation': [], 'testing': [], 'training': []}
    search_path = os.path.join(data_dir, '*', '*.wav')
    for wav_path in glob.glob(search_path):
        _, word = os.path.split(os.path.dirname(wav_path))
        word = word.lower()
        if word == BACKGROUND_NOISE_DIR_NAME:
            continue
        set_index = which_set(wav_path, validation_percentage, testing_percentage)
        data_index[set_index].append({'label': word, 'file': wav_path})
    return {s: sorted(os.path.relpath(e['file'], data_dir) for e in v) for s, v in data_index.items()}


# --------------------------------------------------------------------------- torchaudio.datasets.speechcommands

HASH_DIVIDER = '_nohash_'
EXCEPT_FOLDER = '_background_noise_'


def _load_list(root, *filenames):
    output = []
    for filename in filenames:
        filepath = os.path.join(root, filename)
        with open(filepath) as fileobj:
            output += [os.path.normpath(os.path.join(root, line.strip())) for line in fileobj]
    return output


def speechcommands_walker(path, subset):
    """SPEECHCOMMANDS.__init__'s choice of files for `subset` (self._path = path)."""
    if subset == 'validation':
        walker = _load_list(path, 'validation_list.txt')
    elif subset == 'testing':
        walker = _load_list(path, 'testing_list.txt')
    elif subset == 'training':
        excludes = set(_load_list(path, 'validation_list.txt', 'testing_list.txt'))
        walker = sorted(str(p) for p in Path(path).glob('*/*.wav'))
        walker = [
            w for w in walker if HASH_DIVIDER in w and EXCEPT_FOLDER not in w and os.path.normpath(w) not in excludes
        ]
    else:
        walker = sorted(str(p) for p in Path(path).glob('*/*.wav'))
        walker = [w for w in walker if HASH_DIVIDER in w and EXCEPT_FOLDER not in w]
    return walker


def main(argv):
    if argv[0] == 'torchaudio':
        root = os.path.abspath(argv[1])
        out = {s: sorted(os.path.relpath(w, root) for w in speechcommands_walker(root, s))
               for s in ('training', 'validation', 'testing')}
    elif argv[0] == 'tensorflow':
        out = prepare_data_index(os.path.abspath(argv[1]), float(argv[2]), float(argv[3]))
    elif argv[0] == 'which_set':
        out = {name: which_set(name, float(argv[1]), float(argv[2])) for name in argv[3:]}
    else:
        sys.exit(f'unknown command {argv[0]}')
    print(json.dumps(out))


if __name__ == '__main__':
    main(sys.argv[1:])
