#!/usr/bin/env bash
# Makes an Ogg Opus copy of a bench dataset (scripts/make-bench-dataset.sh) for `npm run bench`'s opus profile.
#
#   scripts/make-bench-opus.sh WAV_DATASET OUT_DIR [BITRATE_KBPS=32]
#
# Every clip becomes <name>.opus (opusenc, mono, 20 ms frames; at 32 kb/s a 16 kHz speech clip is coded as SILK
# wideband or hybrid, as speech corpora such as MSWC are); _background_noise_ stays WAV. Ogg serial numbers are
# fixed, so a rerun writes the same bytes. OUT_DIR is replaced only if this script made it.
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 WAV_DATASET OUT_DIR [BITRATE_KBPS=32]" >&2
  exit 2
fi
SRC="$1"
OUT="$2"
BITRATE="${3:-32}"
[ -e "$SRC/.bench-dataset" ] || { echo "make-bench-opus: $SRC was not made by scripts/make-bench-dataset.sh" >&2; exit 2; }
if [ -e "$OUT" ] && [ ! -e "$OUT/.bench-dataset" ] && [ -n "$(ls -A "$OUT" 2>/dev/null)" ]; then
  echo "make-bench-opus: $OUT exists and was not made by this script; refusing to replace it" >&2
  exit 2
fi
command -v opusenc >/dev/null || { echo "make-bench-opus: opusenc is not installed (Debian: apt-get install opus-tools)" >&2; exit 1; }

rm -rf "$OUT"
mkdir -p "$OUT"
cp -r "$SRC/_background_noise_" "$OUT/"
encode_one() {  # serial relative-path src out bitrate
  mkdir -p "$(dirname "$4/$2")"
  opusenc --quiet --serial "$1" --bitrate "$5" --framesize 20 "$3/$2" "$4/${2%.wav}.opus"
}
export -f encode_one
(cd "$SRC" && find . -path ./_background_noise_ -prune -o -name '*.wav' -print) | sed 's#^\./##' | sort |
  awk -v src="$SRC" -v out="$OUT" -v b="$BITRATE" '{ print NR, $0, src, out, b }' |
  xargs -P "$(nproc)" -L 1 bash -c 'encode_one "$@"' _
echo "made by scripts/make-bench-opus.sh from $SRC; safe to delete" >"$OUT/.bench-dataset"
echo "make-bench-opus: wrote $(find "$OUT" -name '*.opus' | wc -l) clips to $OUT ($(du -sh "$OUT" | cut -f1))"
