#!/usr/bin/env bash
# Makes a larger Speech-Commands-style dataset for benchmarks and the memory check (not committed).
#
#   scripts/make-bench-dataset.sh OUT_DIR [N=2000]
#
# N clips of exactly 1 s, 16 kHz mono 16-bit, spread over 8 word folders, named <speaker>_nohash_<k>.wav,
# plus _background_noise_/ (three 10 s noise files). Each (word, speaker) is synthesized once with espeak-ng;
# the clips are sox variants of that pool (speed, pitch, peak level, position in the second, noise floor).
# Deterministic (seeded plan, sox -R). OUT_DIR is replaced.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 OUT_DIR [N=2000]" >&2
  exit 2
fi
OUT="$1"
N="${2:-2000}"
[[ "$N" =~ ^[1-9][0-9]*$ ]] || { echo "make-bench-dataset: N must be a positive integer, got '$N'" >&2; exit 2; }
[[ "$OUT" != *[[:space:]]* ]] || { echo "make-bench-dataset: OUT_DIR must not contain spaces: '$OUT'" >&2; exit 2; }
# Only ever replace a directory this script made (marked), or an empty/new one.
if [ -e "$OUT" ] && [ ! -e "$OUT/.bench-dataset" ] && [ -n "$(ls -A "$OUT" 2>/dev/null)" ]; then
  echo "make-bench-dataset: $OUT exists and was not made by this script; refusing to replace it" >&2
  exit 2
fi
for tool in espeak-ng sox python3; do
  command -v "$tool" >/dev/null || { echo "make-bench-dataset: $tool is not installed" >&2; exit 1; }
done

SEED=7
WORDS="yes no up down left right on off"
N_SPEAKERS=24
JOBS="$(nproc)"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/pool"

# --- 1. Speakers: distinct accent+variant pairs, each with its own speed and pitch. -----------------------------
SEED=$SEED N_SPEAKERS=$N_SPEAKERS python3 - >"$WORK/speakers.tsv" <<'PY'
import os
import numpy as np
rng = np.random.default_rng(int(os.environ["SEED"]))
n = int(os.environ["N_SPEAKERS"])
voices = ["en", "en-us", "en-gb", "en-029", "en-gb-scotland", "en-gb-x-rp",
          "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-us-nyc"]
variants = [f"m{i}" for i in range(1, 8)] + [f"f{i}" for i in range(1, 6)]
assert n <= 36  # (k mod 9, k mod 12) is unique below 36
vo, vr = rng.permutation(len(voices)), rng.permutation(len(variants))
for k in range(n):
    voice, va = voices[vo[k % len(voices)]], variants[vr[k % len(variants)]]
    pitch = rng.integers(45, 86) if va.startswith("f") else rng.integers(20, 61)
    print(f"{voice}-{va}\t{voice}+{va}\t{rng.integers(140, 211)}\t{pitch}")
PY

# --- 2. The pool: every word by every speaker, espeak's silence cut, at 16 kHz in float. ------------------------
synth_one() {  # word id spec speed pitch pooldir
  espeak-ng -v "$3" -s "$4" -p "$5" -w "$6/$1.$2.raw.wav" "$1"
  sox -R "$6/$1.$2.raw.wav" -e floating-point -b 32 "$6/$1.$2.wav" \
    silence 1 0.005 0.1% reverse silence 1 0.005 0.1% reverse rate 16000
  rm "$6/$1.$2.raw.wav"
  echo "$1 $2 $(soxi -s "$6/$1.$2.wav")"
}
export -f synth_one
for w in $WORDS; do
  while IFS=$'\t' read -r id spec speed pitch; do
    echo "$w $id $spec $speed $pitch $WORK/pool"
  done <"$WORK/speakers.tsv"
done | xargs -P "$JOBS" -L 1 bash -c 'synth_one "$@"' _ | sort >"$WORK/pool.txt"

# --- 3. The clip plan, from the pool lengths. --------------------------------------------------------------------
sox -R -n -r 16000 -b 16 "$WORK/bed.wav" synth 60 pinknoise gain -43.3   # floor at about -60 dBFS RMS
SEED=$SEED N=$N WORDS="$WORDS" POOL="$WORK/pool.txt" SPEAKERS="$WORK/speakers.tsv" \
python3 - >"$WORK/plan.txt" <<'PY'
import os
import numpy as np
rng = np.random.default_rng(int(os.environ["SEED"]) + 1)
n = int(os.environ["N"])
words = os.environ["WORDS"].split()
speakers = [line.split("\t")[0] for line in open(os.environ["SPEAKERS"]).read().splitlines()]
pool = {}
for line in open(os.environ["POOL"]).read().splitlines():
    w, s, length = line.split()
    pool[(w, s)] = int(length)
for c, word in enumerate(words):
    count = n // len(words) + (1 if c < n % len(words) else 0)
    for i in range(count):
        spk = speakers[i % len(speakers)]
        k = i // len(speakers)                              # repetition number of this speaker for this word
        speed = float(rng.uniform(0.9, 1.1))
        cents = int(rng.integers(-150, 151))
        peak = float(rng.uniform(-12, -1))
        length = pool[(word, spk)] / speed / 16000          # seconds after the speed change
        room = max(0.0, 0.98 - length)
        lead = float(rng.uniform(0.02, 0.02 + room)) if room > 0 else 0.0
        offset = int(rng.integers(0, 58 * 16000))
        print(f"{word} {spk} {k} {speed:.4f} {cents} {peak:.2f} {lead:.3f} {offset}")
PY

# --- 4. The clips: speed, pitch, level, position, then the quiet noise floor; exactly 16000 samples each. --------
make_clip() {  # word speaker k speed cents peak lead offset work out
  sox -R -m -v 1 "|sox -R -V1 $9/pool/$1.$2.wav -p speed $4 pitch $5 rate 16000 norm $6 pad $7 1 trim 0 16000s" \
    -v 1 "|sox -R $9/bed.wav -p trim ${8}s 16000s" -e signed-integer -b 16 "${10}/$1/$2_nohash_$3.wav"
}
export -f make_clip
rm -rf "$OUT"
for w in $WORDS; do mkdir -p "$OUT/$w"; done
echo "made by scripts/make-bench-dataset.sh; safe to delete" >"$OUT/.bench-dataset"
awk -v work="$WORK" -v out="$OUT" '{ print $0, work, out }' "$WORK/plan.txt" |
  xargs -P "$JOBS" -L 1 bash -c 'make_clip "$@"' _

# --- 5. Background noise for the mixing benchmarks. --------------------------------------------------------------
mkdir -p "$OUT/_background_noise_"
sox -R -n -r 16000 -b 16 "$OUT/_background_noise_/pink_noise.wav" synth 12 pinknoise trim 1 10 gain -n -6
sox -R -n -r 16000 -b 16 "$OUT/_background_noise_/brown_noise.wav" synth 14 brownnoise trim 3.5 10 gain -n -4
sox -R -n -r 16000 -b 16 "$OUT/_background_noise_/white_noise.wav" synth 16 whitenoise trim 5 10 gain -n -10

echo "make-bench-dataset: wrote $(find "$OUT" -path '*/_background_noise_' -prune -o -name '*.wav' -print | wc -l)" \
  "clips in $(echo $WORDS | wc -w) classes + 3 noise files to $OUT ($(du -sh "$OUT" | cut -f1))"
