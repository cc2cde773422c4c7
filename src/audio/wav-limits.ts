// What one audio file (of any format) may ask for. A header is checked against these bounds before anything is allocated, so a corrupt
// or hostile header (rate 0xFFFFFFF0, 65535 channels, a day of audio) is a bad file with a reason, not gigabytes of
// allocation in a resampler or a RangeError.
export const WAV_LIMITS = {
  /** Sample rates read, in Hz: below telephone quality nothing is speech; above 768 kHz no converter exists. */
  minRate: 1000,
  maxRate: 768000,
  /** Channels per file (3rd-order ambisonics is 16, large microphone arrays 64). */
  maxChannels: 64,
  /** Audio per file: a long background-noise recording fits; at 16 kHz it resamples to 230 MB of float32. */
  maxSeconds: 3600,
  /** A compressed file is read whole: an hour of 16-bit stereo FLAC at 48 kHz is about 400 MiB. */
  maxCompressedBytes: 512 * 2 ** 20,
} as const;

/** Why a header's channel count or sample rate is out of bounds, or null. */
export function formatLimitReason(channels: number, rate: number): string | null {
  if (channels === 0) return 'bad header: 0 channels';
  if (channels > WAV_LIMITS.maxChannels)
    return `bad header: ${channels} channels (audiogen reads at most ${WAV_LIMITS.maxChannels})`;
  if (rate < WAV_LIMITS.minRate || rate > WAV_LIMITS.maxRate) {
    return `bad header: sample rate ${rate} Hz (audiogen reads ${WAV_LIMITS.minRate} to ${WAV_LIMITS.maxRate} Hz)`;
  }
  return null;
}

/** Why `frames` at `rate` is too long to read, or null. */
export function durationLimitReason(frames: number, rate: number): string | null {
  if (frames <= WAV_LIMITS.maxSeconds * rate) return null;
  const hours = frames / rate / 3600;
  return `too long: ${hours.toFixed(2)} hours of audio (${frames} frames at ${rate} Hz); audiogen reads at most 1 hour per file`;
}
