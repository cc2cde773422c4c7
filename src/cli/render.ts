// `audiogen render`: re-create one sample of a built dataset (its audio as WAV, its row of x as .npy) from the
// manifest alone, and check it against the bytes in the shard.
import { openSync, readSync, closeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SUBSETS, type Subset } from '../config/schema.js';
import { encodeWavPcm16 } from '../audio/wav.js';
import { AudiogenError, EXIT } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { encodeNpy } from '../io/npy.js';
import { findMember } from '../io/tar.js';
import { sampleKey } from '../io/webdataset.js';
import { configOfManifest, readBuiltManifest } from '../build/read-manifest.js';
import { Sampler } from './sampler.js';

/** The bytes of row `position` as stored in the shard that holds it, or null when that epoch is not built. */
function shardRow(
  outDir: string,
  m: ReturnType<typeof readBuiltManifest>,
  subset: Subset,
  epoch: number,
  position: number,
  rowBytes: number,
): Buffer | null {
  const shard = m.subsets[subset]?.epochs
    .find((e) => e.epoch === epoch)
    ?.shards.find((s) => position >= s.start && position < s.start + s.count);
  if (!shard) return null;
  const path = join(outDir, 'tar' in shard ? shard.tar.path : shard.x.path);
  try {
    let offset: number;
    if ('tar' in shard) {
      // The sample's .npy member: its data ends the member, after the .npy header.
      const name = `${sampleKey(subset, epoch, position)}.npy`;
      const member = findMember(path, name);
      if (!member || member.size < rowBytes) throw new Error(`no member ${name} holding a row`);
      offset = member.offset + member.size - rowBytes;
    } else {
      offset = shard.x.bytes - shard.count * rowBytes + (position - shard.start) * rowBytes;
    }
    const buf = Buffer.alloc(rowBytes);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, buf, 0, rowBytes, offset);
    } finally {
      closeSync(fd);
    }
    return buf;
  } catch (err) {
    throw new AudiogenError(
      `cannot read the row from ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

const subsetNames = `${SUBSETS.slice(0, -1).join(', ')} or ${SUBSETS[SUBSETS.length - 1]}`;

/** The `render` command's action (its declaration, options and help are in commands.ts). */
export async function runRender(
  buildDir: string,
  flags: { subset: string; epoch: number; position: number; to: string; json?: boolean },
  signal?: AbortSignal,
): Promise<void> {
  if (!(SUBSETS as readonly string[]).includes(flags.subset))
    throw new AudiogenError(`--subset: expected ${subsetNames}, got "${flags.subset}"`, EXIT.config);
  const outDir = resolve(buildDir);
  const m = readBuiltManifest(outDir);
  const config = configOfManifest(m, outDir);
  const sampler = await Sampler.open(config, signal);
  if (sampler.datasetHash !== m.dataset_hash) {
    throw new AudiogenError(
      `the dataset (or hooks module) changed since ${outDir} was built: its samples can no longer be re-created exactly`,
    );
  }
  const subset = flags.subset as Subset;
  const r = sampler.render(subset, flags.epoch, flags.position);
  const name = `${subset}-epoch${flags.epoch}-pos${flags.position}`;
  const to = resolve(flags.to);
  const written: string[] = [];
  if (r.audio) {
    writeFileAtomic(join(to, `${name}.wav`), encodeWavPcm16(r.audio, config.frontend.sample_rate_hz));
    written.push(join(to, `${name}.wav`));
  }
  const bytes = Buffer.from(r.row.buffer, r.row.byteOffset, r.row.byteLength);
  writeFileAtomic(join(to, `${name}.npy`), encodeNpy(r.row, m.dtype, m.sample_shape));
  written.push(join(to, `${name}.npy`));
  const stored = shardRow(outDir, m, subset, flags.epoch, flags.position, bytes.length);
  const matches = stored === null ? null : stored.equals(bytes);
  const report = {
    subset,
    epoch: flags.epoch,
    position: flags.position,
    file: r.item.file,
    class: config.dataset.classes[r.item.label],
    params: r.params,
    written,
    matches_shard: matches,
  };
  if (flags.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else {
    process.stderr.write(
      `${subset} epoch ${flags.epoch} position ${flags.position}: ${report.class} ${r.item.file ?? '(silence)'}\n`,
    );
    for (const w of written) process.stderr.write(`  wrote ${w}\n`);
    process.stderr.write(
      matches === null
        ? '  (that epoch is not built yet: nothing to compare)\n'
        : matches
          ? '  identical to the row in the shard\n'
          : '',
    );
  }
  if (matches === false)
    throw new AudiogenError(
      `the re-created row differs from the one stored in the shard: the shard or the environment changed`,
    );
}
