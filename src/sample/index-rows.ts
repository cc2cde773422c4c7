// A sample's index row: the CSV line of an npy shard's index file, and the JSON member of a WebDataset sample.
// Written by the worker that renders the batch, so the build only appends text.
import type { Config } from '../config/schema.js';
import { csvLine } from '../io/csv.js';
import type { BatchItem } from './batch.js';
import { paramColumns, paramFields, type ParamColumn, type SampleParams } from './params.js';

/** Index rows as the CSV and the JSON members have them: position, label, class, file, every drawn parameter. */
export class IndexRows {
  private readonly columns: ParamColumn[];
  private readonly names: string[];

  constructor(
    config: Config,
    private readonly classes: readonly string[],
  ) {
    this.columns = paramColumns(config);
    this.names = ['position', 'label', 'class', 'file', ...this.columns];
  }

  csv(items: readonly BatchItem[], params: readonly SampleParams[]): string {
    let out = '';
    items.forEach((item, i) => {
      out += csvLine([
        item.position,
        item.label,
        this.classes[item.label],
        item.file,
        ...paramFields(params[i], this.columns),
      ]);
    });
    return out;
  }

  /**
   * One JSON object per sample, keys in the CSV's column order. Values are the CSV's, typed: the integers as
   * integers, the drawn floats always with a decimal point (so typed readers see one type per key), text as
   * strings ("" where the CSV is empty: _silence_'s file).
   */
  json(item: BatchItem, params: SampleParams): string {
    const values = [
      item.position,
      item.label,
      this.classes[item.label],
      item.file ?? '',
      ...paramFields(params, this.columns),
    ];
    let out = '{';
    this.names.forEach((name, i) => {
      const v = values[i];
      const text = typeof v === 'string' ? JSON.stringify(v) : FLOAT_COLUMNS.has(name) ? floatText(v) : String(v);
      out += `${i ? ',' : ''}${JSON.stringify(name)}:${text}`;
    });
    return out + '}';
  }
}

/** The drawn parameters that are real numbers (bg_offset is a sample count). */
const FLOAT_COLUMNS = new Set(['offset', 'speed', 'pitch', 'vtlp', 'loudness', 'noise_factor']);

/** A finite number as JSON with a decimal point or an exponent: 1 -> 1.0, 0.25 -> 0.25, 1e-7 -> 1e-7. */
const floatText = (v: number) => {
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
};
