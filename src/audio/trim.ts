// Leading/trailing silence bounds exactly as librosa.effects.trim (0.10/0.11) computes them on float32 audio.
//
// librosa: rms over centred frames (2048 long, hop 512, zero padding of 1024 each side), each frame's mean
// square summed in float32 by numpy's pairwise summation; amplitude_to_db(rms, ref=max) = 10·log10 of the
// *re-squared* rms against the re-squared max, amin 1e-10, all in float32; frames with dB > -top_db are kept.
// The bounds are [first kept frame · 512, min(n, (last kept frame + 1) · 512)).

const FRAME = 2048;
const HOP = 512;
const BLOCK = 128; // numpy's pairwise-summation leaf; 2048 splits into 16 leaves aligned on the 512 hop
const PAD = FRAME / 2;
const f32 = Math.fround;
const AMIN = f32(1e-10);

/** [start, end) of the non-silent region, as librosa.effects.trim(y, top_db=topDb) with its defaults
 *  (ref = max frame RMS, frame_length 2048, hop_length 512, centred frames, constant zero padding). */
export function trimBounds(y: Float32Array, topDb: number): [number, number] {
  if (Number.isNaN(topDb)) throw new Error('trimBounds: topDb is NaN');
  const n = y.length;
  if (n === 0) return [0, 0];
  const frames = 1 + Math.floor(n / HOP);
  const hops = hopSums(y, frames + FRAME / HOP - 1);

  // Frame k covers hops k..k+3 of the padded signal: pairwise tree ((h0+h1)+(h2+h3)), then the mean in float32.
  const rms = new Float32Array(frames);
  let ref = 0;
  for (let k = 0; k < frames; k++) {
    const sum = f32(f32(hops[k] + hops[k + 1]) + f32(hops[k + 2] + hops[k + 3]));
    const r = f32(Math.sqrt(f32(sum / FRAME)));
    rms[k] = r;
    if (r > ref) ref = r;
  }

  // amplitude_to_db squares the rms again (not the original mean square) and subtracts the reference in float32.
  const refDb = decibels(f32(ref * ref));
  const threshold = f32(-topDb);
  let first = -1;
  let last = -1;
  for (let k = 0; k < frames; k++) {
    const db = f32(decibels(f32(rms[k] * rms[k])) - refDb);
    if (db > threshold) {
      if (first < 0) first = k;
      last = k;
    }
  }
  if (first < 0) return [0, 0];
  return [first * HOP, Math.min(n, (last + 1) * HOP)];
}

/** 10·log10(max(amin, p)) with numpy's float32 rounding at each step. */
function decibels(power: number): number {
  return f32(10 * f32(Math.log10(power > AMIN ? power : AMIN)));
}

/** float32 sums of squares over each 512-sample hop of the zero-padded signal, in numpy's pairwise order. */
function hopSums(y: Float32Array, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let h = 0; h < count; h++) {
    const start = h * HOP - PAD; // in unpadded samples
    const b0 = leafSum(y, start);
    const b1 = leafSum(y, start + BLOCK);
    const b2 = leafSum(y, start + 2 * BLOCK);
    const b3 = leafSum(y, start + 3 * BLOCK);
    out[h] = f32(f32(b0 + b1) + f32(b2 + b3));
  }
  return out;
}

/** numpy's pairwise leaf: 8 float32 accumulators striding the 128 squares, then ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)). */
function leafSum(y: Float32Array, start: number): number {
  const n = y.length;
  if (start >= n || start + BLOCK <= 0) return 0;
  if (start < 0 || start + BLOCK > n) return leafSumEdge(y, start);
  let r0 = f32(y[start] * y[start]);
  let r1 = f32(y[start + 1] * y[start + 1]);
  let r2 = f32(y[start + 2] * y[start + 2]);
  let r3 = f32(y[start + 3] * y[start + 3]);
  let r4 = f32(y[start + 4] * y[start + 4]);
  let r5 = f32(y[start + 5] * y[start + 5]);
  let r6 = f32(y[start + 6] * y[start + 6]);
  let r7 = f32(y[start + 7] * y[start + 7]);
  for (let i = start + 8; i < start + BLOCK; i += 8) {
    const a0 = y[i], a1 = y[i + 1], a2 = y[i + 2], a3 = y[i + 3];
    const a4 = y[i + 4], a5 = y[i + 5], a6 = y[i + 6], a7 = y[i + 7];
    r0 = f32(r0 + f32(a0 * a0));
    r1 = f32(r1 + f32(a1 * a1));
    r2 = f32(r2 + f32(a2 * a2));
    r3 = f32(r3 + f32(a3 * a3));
    r4 = f32(r4 + f32(a4 * a4));
    r5 = f32(r5 + f32(a5 * a5));
    r6 = f32(r6 + f32(a6 * a6));
    r7 = f32(r7 + f32(a7 * a7));
  }
  return f32(f32(f32(r0 + r1) + f32(r2 + r3)) + f32(f32(r4 + r5) + f32(r6 + r7)));
}

/** The same leaf where it straddles the end of the clip (hops start on 128-sample leaves, so only the last one can). */
function leafSumEdge(y: Float32Array, start: number): number {
  const r = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < BLOCK; i++) {
    const j = start + i;
    const v = j >= 0 && j < y.length ? y[j] : 0;
    r[i & 7] = f32(r[i & 7] + f32(v * v));
  }
  return f32(f32(f32(r[0] + r[1]) + f32(r[2] + r[3])) + f32(f32(r[4] + r[5]) + f32(r[6] + r[7])));
}
