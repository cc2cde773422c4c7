#!/usr/bin/env bash
# Regenerates fixtures/codecs/: short clips encoded by the reference encoders, each with the reference decoder's
# output beside it, so the decoder tests (test/audio/codecs.test.ts) need no encoder installed.
#
#   scripts/make-codec-fixtures.sh      # needs espeak-ng, sox, flac, opus-tools, vorbis-tools, lame
#
# Each <name>.<ext> has <name>.ref.wav: `flac -d` (FLAC, bit-exact), `opusdec --rate 48000 --float` (Opus),
# `oggdec` (Vorbis, 16-bit), `lame --decode` (MP3, 16-bit). The sources are espeak-ng speech made with sox -R,
# and the Ogg serial numbers are fixed, so a rerun with the same tool versions writes the same bytes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/fixtures/codecs"
for tool in espeak-ng sox flac opusenc opusdec oggenc oggdec lame; do
  command -v "$tool" >/dev/null || {
    echo "make-codec-fixtures: $tool is not installed (Debian: apt-get install espeak-ng sox flac opus-tools vorbis-tools lame)" >&2
    exit 1
  }
done
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
rm -rf "$OUT"
mkdir -p "$OUT"

# --- Sources: a word at 16 kHz mono (its length makes flac -0's last frame 3 samples), a phrase at 44.1 kHz stereo.
espeak-ng -v en+m3 -s 170 -w "$WORK/seven.raw.wav" "seven"
sox -R "$WORK/seven.raw.wav" -b 16 "$WORK/mono16k.wav" rate 16000 pad 0.05 0.5 trim 0 $((1152 * 6 + 3))s
espeak-ng -v en-us+f2 -s 160 -w "$WORK/phrase.raw.wav" "left right"
sox -R "$WORK/phrase.raw.wav" -r 44100 -b 16 "$WORK/left.wav" trim 0 0.6
sox -R "$WORK/left.wav" "$WORK/right.wav" reverse
sox -R -M "$WORK/left.wav" "$WORK/right.wav" "$WORK/stereo44k.wav"
sox -R "$WORK/stereo44k.wav" -b 24 "$WORK/stereo44k-24.wav"
sox -R "$WORK/mono16k.wav" -b 8 -e unsigned "$WORK/mono16k-u8.wav"

# --- FLAC: the smallest preset (3-sample last frame), the largest, 24-bit stereo, 8-bit. ------------------------
flac -s -0 -f "$WORK/mono16k.wav" -o "$OUT/flac-0-mono16k.flac"
flac -s -8 -f "$WORK/mono16k.wav" -o "$OUT/flac-8-mono16k.flac"
flac -s -5 -f "$WORK/stereo44k-24.wav" -o "$OUT/flac-24bit-stereo44k.flac"
flac -s -5 -f "$WORK/mono16k-u8.wav" -o "$OUT/flac-8bit-mono16k.flac"
for f in "$OUT"/flac-*.flac; do flac -s -d -f "$f" -o "${f%.flac}.ref.wav"; done

# --- Ogg Opus (decoded at 48 kHz in float) and Ogg Vorbis. -----------------------------------------------------
opusenc --quiet --serial 1 "$WORK/mono16k.wav" "$OUT/opus-mono16k.opus"
opusenc --quiet --serial 2 --bitrate 64 "$WORK/stereo44k.wav" "$OUT/opus-stereo44k.opus"
for f in "$OUT"/opus-*.opus; do opusdec --quiet --rate 48000 --float "$f" "${f%.opus}.ref.wav"; done
oggenc -Q -s 3 -q 3 "$WORK/mono16k.wav" -o "$OUT/vorbis-mono16k.ogg"
oggenc -Q -s 4 -q 4 "$WORK/stereo44k.wav" -o "$OUT/vorbis-stereo44k.ogg"
for f in "$OUT"/vorbis-*.ogg; do oggdec -Q "$f" -o "${f%.ogg}.ref.wav"; done

# --- MP3: LAME tags with delay and padding (MPEG-1 VBR stereo, MPEG-2 CBR mono), and no tag at all (-t). -------
lame --quiet -V 4 "$WORK/stereo44k.wav" "$OUT/mp3-vbr-stereo44k.mp3"
lame --quiet -b 64 "$WORK/mono16k.wav" "$OUT/mp3-cbr-mono16k.mp3"
lame --quiet -t -b 64 "$WORK/mono16k.wav" "$OUT/mp3-notag-mono16k.mp3"
for f in "$OUT"/mp3-*.mp3; do lame --quiet --decode "$f" "${f%.mp3}.ref.wav"; done

# The sources' lengths, for the tests of what encoders add (delay, padding, pre-skip).
{
  echo "mono16k $(soxi -s "$WORK/mono16k.wav")"
  echo "stereo44k $(soxi -s "$WORK/stereo44k.wav")"
} >"$OUT/source-lengths.txt"
echo "make-codec-fixtures: wrote $(ls "$OUT" | wc -l) files to $OUT ($(du -sh "$OUT" | cut -f1))"
