// Frames of an unbounded signal fed in chunks of any size. Samples gather in a buffer of one batch of frames
// (span + (batch − 1)·step samples); as soon as frames are complete they are computed and handed on, and the samples
// later frames still need move to the buffer's start. Memory is one batch however long the stream.

/** Receives `frames` computed frames: the first frames × channels values of `values` (reused by the next batch). */
export type FrameSink<T> = (values: T, frames: number) => void;

/** Frames a signal of `samples` samples gives: one per step while a frame's span fits (0 if none does). */
export function framesIn(samples: number, span: number, step: number): number {
  return samples >= span ? Math.floor((samples - span) / step) + 1 : 0;
}

export abstract class FrameStream<T> {
  /** Frames handed on so far. */
  frames = 0;
  /** Samples taken so far. */
  samples = 0;
  /** Samples the buffer holds: one batch of frames. */
  readonly capacity: number;
  private filled = 0;
  /** Samples still to drop before the next frame starts (a step longer than the span leaves gaps). */
  private skip = 0;

  constructor(
    /** Samples one frame reads. */
    readonly span: number,
    /** Samples from one frame's start to the next. */
    readonly step: number,
    /** Frames computed at most at a time. */
    readonly batch: number,
  ) {
    if (!(span >= 1 && step >= 1 && batch >= 1))
      throw new Error(`bad framing: span ${span}, step ${step}, batch ${batch}`);
    this.capacity = span + (batch - 1) * step;
  }

  /** Feeds the next samples of the stream; every frame they complete goes to `sink` before this returns. */
  push(pcm: Int16Array, sink: FrameSink<T>): void {
    let at = 0;
    while (at < pcm.length) {
      if (this.skip > 0) {
        const dropped = Math.min(this.skip, pcm.length - at);
        this.skip -= dropped;
        at += dropped;
        continue;
      }
      const n = Math.min(this.capacity - this.filled, pcm.length - at);
      this.take(pcm, at, this.filled, n);
      this.filled += n;
      at += n;
      if (this.filled < this.span) continue;
      const frames = Math.floor((this.filled - this.span) / this.step) + 1;
      sink(this.compute(frames), frames);
      this.frames += frames;
      const used = frames * this.step;
      if (used < this.filled) this.keep(used, this.filled);
      else this.skip = used - this.filled;
      this.filled = Math.max(0, this.filled - used);
    }
    this.samples += pcm.length;
  }

  /** Copies pcm[from, from + count) into the buffer at `at` (converting, filtering as the frontend needs). */
  protected abstract take(pcm: Int16Array, from: number, at: number, count: number): void;
  /** Computes `frames` frames from the buffer's start. */
  protected abstract compute(frames: number): T;
  /** Moves buffer[from, to) to the buffer's start. */
  protected abstract keep(from: number, to: number): void;
}
