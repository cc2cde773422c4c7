// Chunks that finish in any order (batches from several workers), written in sequence: a chunk waits until every
// earlier one is written. Each add() settles once its chunk is written, so a caller that bounds the chunks it has
// not seen settle bounds the memory held here (the reorder window).

/** Where the chunks go; a returned promise (a full pipe's drain) holds back the next chunk. */
export type ChunkSink = (bytes: Uint8Array) => void | Promise<void>;

interface Waiting {
  count: number;
  bytes: Uint8Array;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class InOrder {
  private readonly waiting = new Map<number, Waiting>();
  private writing: Waiting | null = null;
  private failed: unknown = null;
  private pumping = false;

  /** `next`: the sequence number of the first chunk; a chunk of `count` items makes the next one `seq + count`. */
  constructor(
    private next: number,
    private readonly sink: ChunkSink,
  ) {}

  /** Sequence number the next chunk to be written starts at. */
  get position(): number {
    return this.next;
  }

  /** Chunks received and not yet written. */
  get held(): number {
    return this.waiting.size + (this.writing ? 1 : 0);
  }

  add(seq: number, count: number, bytes: Uint8Array): Promise<void> {
    if (this.failed !== null) return Promise.reject(this.failed);
    if (seq < this.next || this.waiting.has(seq)) return Promise.reject(new Error(`chunk ${seq} given twice`));
    const done = new Promise<void>((resolve, reject) => this.waiting.set(seq, { count, bytes, resolve, reject }));
    void this.pump();
    return done;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let w = this.waiting.get(this.next); w && this.failed === null; w = this.waiting.get(this.next)) {
        this.waiting.delete(this.next);
        this.writing = w;
        try {
          await this.sink(w.bytes);
        } catch (err) {
          this.fail(err);
          break;
        }
        this.writing = null;
        this.next += w.count;
        w.resolve();
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Rejects every chunk not yet written, and any added later (a write failed, or the output is abandoned). */
  fail(err: unknown): void {
    this.failed ??= err;
    const all = [...this.waiting.values(), ...(this.writing ? [this.writing] : [])];
    this.waiting.clear();
    this.writing = null;
    for (const w of all) w.reject(this.failed);
  }
}
