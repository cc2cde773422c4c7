// Framing an unbounded signal fed in chunks: every frame once, in order, from the right samples, whatever the chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameStream, framesIn } from '../../src/frontend/frame-stream.js';

/** A frame is the list of the sample values it reads (the samples are their own indices, mod 2^15). */
class Recorder extends FrameStream<number[][]> {
  private readonly buffer: Int16Array;
  constructor(span: number, step: number, batch: number) {
    super(span, step, batch);
    this.buffer = new Int16Array(this.capacity);
  }
  protected take(pcm: Int16Array, from: number, at: number, count: number): void {
    this.buffer.set(pcm.subarray(from, from + count), at);
  }
  protected compute(frames: number): number[][] {
    return Array.from({ length: frames }, (_, f) =>
      Array.from(this.buffer.subarray(f * this.step, f * this.step + this.span)),
    );
  }
  protected keep(from: number, to: number): void {
    this.buffer.copyWithin(0, from, to);
  }
}

for (const [span, step, batch] of [
  [5, 2, 1],
  [5, 2, 4],
  [4, 4, 3],
  [3, 7, 2], // steps longer than a frame: samples in between are read by no frame
  [1, 1, 5],
]) {
  test(`span ${span}, step ${step}, batch ${batch}: each frame once with its own samples, for any chunking`, () => {
    const n = 200;
    const signal = Int16Array.from({ length: n }, (_, i) => i);
    const want = Array.from({ length: framesIn(n, span, step) }, (_, f) =>
      Array.from({ length: span }, (_, j) => f * step + j),
    );
    for (const sizes of [[n], new Array(n).fill(1), [3, 1, 9, 2, 50, 135]]) {
      const r = new Recorder(span, step, batch);
      const got: number[][] = [];
      let at = 0;
      for (const size of sizes) {
        r.push(signal.subarray(at, at + size), (frames, count) => {
          assert.ok(count >= 1 && count <= batch);
          got.push(...frames.slice(0, count));
        });
        at += size;
      }
      assert.deepEqual(got, want, `chunks ${sizes.length}`);
      assert.equal(r.frames, want.length);
      assert.equal(r.samples, n);
    }
  });
}

test('counts the frames of a signal as the clip frontends do, none when not even one fits', () => {
  assert.equal(framesIn(16000, 480, 320), 49);
  assert.equal(framesIn(160000, 480, 320), 499);
  assert.equal(framesIn(479, 480, 320), 0);
  assert.equal(framesIn(480, 480, 320), 1);
});
