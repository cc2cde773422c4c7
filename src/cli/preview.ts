// `audiogen preview`: N samples per class through the full pipeline, as WAVs (after augmentation, before the
// frontend) and one PNG grid of their spectrograms, labelled with class and drawn parameters.
import { resolve, join } from 'node:path';
import { frontendShape, subsetSource } from '../config/derive.js';
import { SUBSETS } from '../config/names.js';
import type { Subset } from '../config/schema.js';
import { encodeWavPcm16 } from '../audio/wav.js';
import { AudiogenError, EXIT } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { csvLine } from '../io/csv.js';
import { epochOrder } from '../plan/plan.js';
import { paramColumns, paramFields, type SampleParams } from '../sample/params.js';
import { formatMasks } from '../augment/spec-augment.js';
import { Sampler, type RenderedRow } from './sampler.js';
import { renderGrid, type PreviewCell } from '../preview/grid.js';
import { loadConfigWarned, overridesFrom } from './options.js';

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));

/** The drawn parameters that differ from the identity, short enough for a grid cell. */
export function describeParams(p: SampleParams): string[] {
  const lines = [`offset ${fmt(p.offset)}${p.loudness !== 1 ? ` loud ${fmt(p.loudness)}` : ''}`];
  const shape = [
    p.speed !== 1 && `speed ${fmt(p.speed)}`,
    p.pitch !== 0 && `pitch ${fmt(p.pitch)}`,
    p.vtlp !== 1 && `vtlp ${fmt(p.vtlp)}`,
  ].filter(Boolean);
  if (shape.length) lines.push(shape.join(' '));
  if (p.rir_file !== '') lines.push(`rir ${p.rir_file}`);
  if (p.noise === 'background') lines.push(`bg ${p.bg_file} x${fmt(p.noise_factor)}`);
  else if (p.noise !== 'none') lines.push(`${p.noise} noise x${fmt(p.noise_factor)}`);
  // Zero-width masks change nothing: only the ones that cover something are shown.
  const masks = (axis: string, list: SampleParams['time_masks']) => {
    const shown = list.filter(([, width]) => width > 0);
    return shown.length ? [`${axis} ${formatMasks(shown).replaceAll(';', ' ')}`] : [];
  };
  lines.push(...masks('tmask', p.time_masks), ...masks('fmask', p.freq_masks));
  return lines;
}

/** The `preview` command's action (its declaration, options and help are in commands.ts). */
export async function runPreview(
  flags: { config: string; count: number; out: string; subset: string; epoch: number; seed?: number },
  signal?: AbortSignal,
): Promise<void> {
  if (!Number.isInteger(flags.count) || flags.count < 1)
    throw new AudiogenError(`--count: expected a positive integer, got ${flags.count}`, EXIT.config);
  if (!(SUBSETS as readonly string[]).includes(flags.subset))
    throw new AudiogenError(`--subset: expected training, validation or testing, got "${flags.subset}"`, EXIT.config);
  const { config, seedDrawn } = loadConfigWarned(flags.config, overridesFrom({ seed: flags.seed }));
  if (seedDrawn)
    process.stderr.write(
      `seed: drawn at random: ${config.dataset.seed} (--seed ${config.dataset.seed} repeats this preview)\n`,
    );
  const subset = flags.subset as Subset;
  if (subsetSource(config, subset) === null) {
    throw new AudiogenError(
      `--subset ${subset}: the config gives ${subset} no samples (no ${subset} split, list or subset column)`,
      EXIT.config,
    );
  }
  const sampler = await Sampler.open(
    {
      ...config,
      output: { ...config.output, epochs: Math.max(config.output.epochs, flags.epoch + 1), subsets: [subset] },
    },
    signal,
  );
  const sub = sampler.plan.subsets[0];
  const order = epochOrder(sub.samples.length, config.dataset.shuffle, config.dataset.seed, subset, flags.epoch);
  const picked = new Map<number, number[]>();
  for (let p = 0; p < order.length; p++) {
    const label = sub.samples[order[p]].label;
    const list = picked.get(label) ?? [];
    if (list.length < flags.count) picked.set(label, [...list, p]);
  }
  const out = resolve(flags.out);
  const { frames, channels } = frontendShape(config.frontend);
  const columns = paramColumns(config);
  let csv = csvLine(['wav', 'position', 'label', 'class', 'file', ...columns]);
  const rows: PreviewCell[][] = [];
  for (const [label, name] of config.dataset.classes.entries()) {
    const cells: PreviewCell[] = [];
    for (const [k, position] of (picked.get(label) ?? []).entries()) {
      const r: RenderedRow = sampler.render(subset, flags.epoch, position);
      const wav = `${name}-${k}.wav`;
      if (r.audio) writeFileAtomic(join(out, wav), encodeWavPcm16(r.audio, config.frontend.sample_rate_hz));
      csv += csvLine([r.audio ? wav : '', position, label, name, r.item.file, ...paramFields(r.params, columns)]);
      cells.push({
        title: name,
        lines: [r.item.file ?? '(silence)', ...describeParams(r.params)],
        spectrogram: config.generator.frontend_enabled ? { data: r.row, frames, channels } : null,
      });
    }
    if (cells.length) rows.push(cells);
  }
  const title = `${flags.config}: ${subset} epoch ${flags.epoch}, ${flags.count} per class`;
  writeFileAtomic(join(out, 'grid.png'), renderGrid(rows, { title }));
  writeFileAtomic(join(out, 'index.csv'), csv);
  const count = rows.reduce((a, r) => a + r.length, 0);
  process.stderr.write(
    `${count} samples from ${rows.length} classes -> ${out}/ (grid.png, index.csv, <class>-<k>.wav)\n`,
  );
}
