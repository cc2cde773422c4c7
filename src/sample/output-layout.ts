// What a build's output looks like: x's dtype and sample shape, y's label format, the index columns. Derived from
// the config alone, so the build, its workers and a merge of partitions agree.
import type { Config } from '../config/schema.js';
import { sampleShapeOf } from '../config/derive.js';
import { labelFormat, type LabelFormat } from '../io/labels.js';
import type { XFormat } from '../io/shard-writer.js';
import { paramColumns } from './params.js';

export interface OutputLayout {
  x: XFormat;
  y: LabelFormat | null;
  columns: string[];
}

export function outputLayout(config: Config, classCount: number): OutputLayout {
  return {
    x: { dtype: config.generator.dtype, sampleShape: sampleShapeOf(config) },
    y: labelFormat(config.dataset.class_mode, config.generator.dtype, classCount),
    columns: ['position', 'label', 'class', 'file', ...paramColumns(config)],
  };
}
