#!/usr/bin/env bash
# Regenerates fixtures/dataset/: a tiny Speech-Commands-style dataset of synthetic spoken words.
#
#   scripts/make-fixtures.sh            # from the repo root (or anywhere: it finds the repo from its own path)
#
# Deterministic: the plan (speakers, speeds, pitches, padding, levels, rates) comes from a seeded numpy RNG,
# espeak-ng is deterministic, and every sox call runs with -R (fixed seed for noise and dither).
# Needs: espeak-ng, sox, python3 + numpy.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/fixtures/dataset"
SEED=20261125

KEYWORDS="yes no up down left right"
UNKNOWN_WORDS="cat dog bed bird"
N_SPEAKERS=14          # speakers saying every keyword (2 repetitions each); more would break the 4.5 MB budget
N_UNKNOWN_SPEAKERS=5   # speakers per unknown word (1 repetition each), rotating through all speakers
ESPEAK_RATE=22050      # espeak-ng's native output rate; clips are assembled at this rate, then converted

for tool in espeak-ng sox python3; do
  command -v "$tool" >/dev/null || { echo "make-fixtures: $tool is not installed" >&2; exit 1; }
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# --- 1. The plan: one line per clip, all randomness drawn here from one seeded generator. -------------------
SEED=$SEED KEYWORDS="$KEYWORDS" UNKNOWN_WORDS="$UNKNOWN_WORDS" N_SPEAKERS=$N_SPEAKERS \
N_UNKNOWN_SPEAKERS=$N_UNKNOWN_SPEAKERS python3 - >"$WORK/plan.tsv" <<'PY'
import os
import numpy as np

rng = np.random.default_rng(int(os.environ["SEED"]))
keywords = os.environ["KEYWORDS"].split()
unknown_words = os.environ["UNKNOWN_WORDS"].split()
n_spk = int(os.environ["N_SPEAKERS"])
n_unk = int(os.environ["N_UNKNOWN_SPEAKERS"])

voices = ["en", "en-us", "en-gb", "en-029", "en-gb-scotland", "en-gb-x-rp",
          "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-us-nyc"]
variants = [f"m{i}" for i in range(1, 8)] + [f"f{i}" for i in range(1, 6)]

# Cycle accents and variants in shuffled orders: every accent and every variant is used, no pair repeats
# (the pair (k mod 9, k mod 12) is unique for k < 36).
assert n_spk <= 36
vo, vr = rng.permutation(len(voices)), rng.permutation(len(variants))
pairs = [(voices[vo[k % len(voices)]], variants[vr[k % len(variants)]]) for k in range(n_spk)]

speakers = []
for voice, va in pairs:
    female = va.startswith("f")
    speakers.append(dict(
        id=f"{voice}-{va}",
        spec=f"{voice}+{va}",
        speed=int(rng.integers(165, 236)),                             # words per minute (brisk: short clips)
        pitch=int(rng.integers(45, 86) if female else rng.integers(20, 61)),
        bass=round(float(rng.uniform(-3, 3)), 1),                      # per-speaker "microphone" colour
        treble=round(float(rng.uniform(-4, 2)), 1),
    ))

clips = []
for word in keywords:
    for s in speakers:
        for k in range(2):
            clips.append((word, s, k))
# Each unknown word by a different run of speakers, so together they cover every speaker (any held-out
# speaker then brings some _unknown_ clips to validation).
perm = rng.permutation(n_spk)
for j, word in enumerate(unknown_words):
    for i in range(n_unk):
        clips.append((word, speakers[perm[(j * n_unk + i) % n_spk]], 0))

# A handful of clips at other rates and in stereo, so resampling and mix-down get exercised.
rates = [16000] * len(clips)
channels = [1] * len(clips)
pick = rng.permutation(len(clips))
odd_rates = [8000] * 4 + [22050] * 3 + [44100] * 2 + [48000] * 2
for i, r in zip(pick, odd_rates):
    rates[i] = r
for i in pick[len(odd_rates):len(odd_rates) + 5]:
    channels[i] = 2
channels[pick[0]] = 2  # one clip is both off-rate and stereo

for i, (word, s, k) in enumerate(clips):
    speed = int(round(s["speed"] * rng.uniform(0.94, 1.06)))
    pitch = int(np.clip(s["pitch"] + rng.integers(-4, 5), 0, 99))
    # Lead-in and tail 0.05-0.3 s each, skewed short (mean 0.11 s) to keep the corpus small.
    lead = round(0.05 + 0.25 * float(rng.uniform()) ** 3, 3)
    tail = round(0.05 + 0.25 * float(rng.uniform()) ** 3, 3)
    peak = round(float(rng.uniform(-12, -1)), 2)
    offset = int(rng.integers(0, 20 * 22050))  # where this clip's noise floor starts in the noise bed
    print("\t".join(str(v) for v in (
        f"{word}/{s['id']}_nohash_{k}.wav", word, s["spec"], speed, pitch, s["bass"], s["treble"],
        lead, tail, peak, rates[i], channels[i], offset)))
PY

# --- 2. Noise beds for the quiet floor around each word: pink noise at about -60 dBFS RMS. ---------------------
# sox -R makes the noise repeatable; each clip reads the bed from its own offset, so the floors differ.
sox -R -n -r $ESPEAK_RATE -b 16 "$WORK/bed1.wav" synth 30 pinknoise gain -43.3
sox -R -n -r $ESPEAK_RATE -b 16 -c 2 "$WORK/bed2.wav" synth 30 pinknoise pinknoise gain -43.3

rm -rf "$OUT"
mkdir -p "$OUT"

# --- 3. The clips. ------------------------------------------------------------------------------------------
n=0
while IFS=$'\t' read -r rel word spec speed pitch bass treble lead tail peak rate ch offset; do
  mkdir -p "$OUT/$(dirname "$rel")"
  espeak-ng -v "$spec" -s "$speed" -p "$pitch" -w "$WORK/raw.wav" "$word"
  # Cut espeak's own silence, colour, set the peak, then pad with the lead-in/tail (float to avoid re-quantizing).
  stereo=()
  [ "$ch" = 2 ] && stereo=(remix 1 1v0.85)   # second channel a bit quieter, so channels differ
  sox -R "$WORK/raw.wav" -e floating-point -b 32 "$WORK/word.wav" \
    silence 1 0.005 0.1% reverse silence 1 0.005 0.1% reverse \
    bass "$bass" treble "$treble" norm "$peak" "${stereo[@]}" pad "$lead" "$tail"
  len=$(soxi -s "$WORK/word.wav")
  sox -R "$WORK/bed$ch.wav" "$WORK/noise.wav" trim "${offset}s" "${len}s"
  sox -R -m -v 1 "$WORK/word.wav" -v 1 "$WORK/noise.wav" -e signed-integer -b 16 "$OUT/$rel" rate -v "$rate"
  n=$((n + 1))
done <"$WORK/plan.tsv"

# --- 4. _background_noise_: a few seconds each; the leading "_" keeps the folder from being read as a class. --
BG="$OUT/_background_noise_"
mkdir -p "$BG"
# Different trim offsets into longer syntheses, so the files do not share sox's (fixed-seed) random sequence.
sox -R -n -r 16000 -b 16 "$BG/pink_noise.wav" synth 7 pinknoise trim 2 2.5 gain -n -6
sox -R -n -r 16000 -b 16 "$BG/brown_noise.wav" synth 9 brownnoise trim 5.5 2.5 gain -n -4
sox -R -m -v 0.5 "|sox -R -n -r 16000 -p synth 2.5 sawtooth 50 gain -12 lowpass 700 highpass 40" \
  -v 0.02 "|sox -R -n -r 16000 -p synth 11 whitenoise trim 7 2.5" \
  -b 16 "$BG/hum_50hz.wav" gain -n -8
# A fan-like rumble with independent channels, at 44.1 kHz stereo.
sox -R -n -r 44100 -c 2 -b 16 "$BG/fan_44k_stereo.wav" synth 5 brownnoise pinknoise trim 3 2 \
  bandpass 300 2q highpass 60 gain -n -10

# The dataset is committed: keep it small.
bytes=$(du -s --apparent-size -B1 "$OUT" | cut -f1)
if [ "$bytes" -gt 4500000 ]; then
  echo "make-fixtures: fixtures/dataset is $bytes bytes, over the 4.5 MB budget" >&2
  exit 1
fi
echo "make-fixtures: wrote $n clips + $(ls "$BG" | wc -l) noise files to ${OUT#"$ROOT"/} ($bytes bytes)"
