// What a WAV header may ask for: rate, channels and duration are bounded, each with a reason naming the limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WAV_LIMITS, durationLimitReason, formatLimitReason } from '../../src/audio/wav-limits.js';

test('the limits are the documented ones: 1,000 to 768,000 Hz, 64 channels, one hour, 512 MiB of compressed audio', () => {
  assert.deepEqual(WAV_LIMITS, {
    minRate: 1000,
    maxRate: 768000,
    maxChannels: 64,
    maxSeconds: 3600,
    maxCompressedBytes: 512 * 2 ** 20,
  });
});

test('channels: 1 to 64 pass; none, or more than 64, is a bad header saying so', () => {
  assert.equal(formatLimitReason(1, 16000), null);
  assert.equal(formatLimitReason(64, 16000), null);
  assert.equal(formatLimitReason(0, 16000), 'bad header: 0 channels');
  assert.equal(formatLimitReason(65, 16000), 'bad header: 65 channels (audiogen reads at most 64)');
  assert.equal(
    formatLimitReason(65535, 0),
    'bad header: 65535 channels (audiogen reads at most 64)',
    'channels are named first',
  );
});

test('sample rate: 1,000 to 768,000 Hz pass, the bounds included; anything else is a bad header saying the range', () => {
  for (const rate of [1000, 8000, 44100, 768000]) assert.equal(formatLimitReason(2, rate), null, String(rate));
  for (const rate of [0, 999, 768001, 0xfffffff0]) {
    assert.equal(formatLimitReason(2, rate), `bad header: sample rate ${rate} Hz (audiogen reads 1000 to 768000 Hz)`);
  }
});

test('duration: up to one hour at the file\u2019s own rate passes; one frame more is too long, in hours', () => {
  assert.equal(durationLimitReason(3600 * 16000, 16000), null);
  assert.equal(durationLimitReason(1, 1000), null);
  assert.equal(
    durationLimitReason(3600 * 16000 + 1, 16000),
    'too long: 1.00 hours of audio (57600001 frames at 16000 Hz); audiogen reads at most 1 hour per file',
  );
  assert.equal(
    durationLimitReason(2 ** 32 - 1, 8000),
    'too long: 149.13 hours of audio (4294967295 frames at 8000 Hz); audiogen reads at most 1 hour per file',
  );
});
