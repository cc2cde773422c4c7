// WebDataset samples: per sample, consecutive tar members named by its key — <key>.npy (its row of x as a .npy of
// its own), <key>.cls (the class id as text, when the build has labels) and <key>.json (its index row) — so any
// WebDataset reader (webdataset, Hugging Face datasets, Python's tarfile) groups them back into one sample.
import type { Dtype, Subset } from '../config/schema.js';
import { DTYPE_BYTES, npyHeader } from './npy.js';
import { memberBytes, putMember } from './tar.js';

/** A sample's key: <subset>-e<eee>-<position within the epoch, 8 digits>; no dot, so the extension is the rest. */
export function sampleKey(subset: Subset, epoch: number, position: number): string {
  return `${subset}-e${String(epoch).padStart(3, '0')}-${String(position).padStart(8, '0')}`;
}

export interface WdsSample {
  key: string;
  /** The class id (written as .cls), or null for a build without labels. */
  label: number | null;
  /** The index row as JSON text. */
  json: string;
}

/** Encodes batches of samples of one build (its x dtype and sample shape) as tar members. */
export class WdsEncoder {
  private readonly header: Buffer;
  readonly rowBytes: number;

  constructor(dtype: Dtype, sampleShape: readonly number[]) {
    this.header = npyHeader(dtype, sampleShape);
    this.rowBytes = sampleShape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype];
  }

  /** The members of `samples` in order, as one buffer; `rows` holds their x rows back to back. */
  encode(samples: readonly WdsSample[], rows: Uint8Array): Buffer {
    if (rows.length !== samples.length * this.rowBytes)
      throw new Error(`${rows.length} bytes of rows for ${samples.length} samples of ${this.rowBytes} bytes`);
    const texts = samples.map((s) => ({
      cls: s.label === null ? null : Buffer.from(String(s.label), 'latin1'),
      json: Buffer.from(s.json, 'utf8'),
    }));
    const npyBytes = memberBytes(this.header.length + this.rowBytes);
    let total = 0;
    for (const t of texts) total += npyBytes + (t.cls ? memberBytes(t.cls.length) : 0) + memberBytes(t.json.length);
    // Zeroed: the padding after each member is already in place.
    const out = Buffer.alloc(total);
    let at = 0;
    samples.forEach((s, i) => {
      const row = rows.subarray(i * this.rowBytes, (i + 1) * this.rowBytes);
      at = putMember(out, at, `${s.key}.npy`, [this.header, row]);
      const { cls, json } = texts[i];
      if (cls) at = putMember(out, at, `${s.key}.cls`, [cls]);
      at = putMember(out, at, `${s.key}.json`, [json]);
    });
    return out;
  }
}
