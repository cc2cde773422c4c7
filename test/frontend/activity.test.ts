import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ActivityDetector } from '../../src/frontend/activity.js';

const settings = { alphaA: 0.5, alphaB: 0.8, armThreshold: 0.75, tripThreshold: 0.8 };

function run(levels: number[]): boolean {
  const detector = new ActivityDetector(40, settings);
  const signal = new Uint32Array(40);
  for (const level of levels) {
    signal.fill(level);
    detector.apply(signal);
  }
  return detector.tripped;
}

test('stays quiet on a constant level', () => {
  assert.equal(run(new Array(50).fill(200)), false);
  assert.equal(run(new Array(50).fill(0)), false);
});

test('arms when the level falls and trips when it rises again', () => {
  const falling = [...new Array(10).fill(800), ...new Array(10).fill(100)];
  assert.equal(run(falling), false); // armed, not tripped
  assert.equal(run([...falling, ...new Array(5).fill(900)]), true);
});

test('a rise without a preceding fall does not trip', () => {
  assert.equal(run([...new Array(10).fill(0), ...new Array(10).fill(900)]), false);
});

test('keeps the trip until reset', () => {
  const detector = new ActivityDetector(40, settings);
  const signal = new Uint32Array(40);
  for (const level of [800, 800, 800, 100, 100, 100, 100, 900, 900, 100, 100]) {
    signal.fill(level);
    detector.apply(signal);
  }
  assert.equal(detector.tripped, true);
  detector.reset();
  assert.equal(detector.tripped, false);
});
