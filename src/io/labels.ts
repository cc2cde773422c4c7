// y: the labels of a shard, as class_mode says (Keras flow_from_directory semantics).
import type { Dtype, DatasetConfig } from '../config/schema.js';
import { allocTyped, type TypedArray } from './npy.js';

export interface LabelFormat {
  dtype: Dtype;
  /** Shape of one sample's label ([] for a scalar). */
  shape: number[];
}

/** categorical: one-hot in the x dtype; binary: the id in the x dtype; sparse: int32 ids; input/null: no y. */
export function labelFormat(
  classMode: DatasetConfig['class_mode'],
  xDtype: Dtype,
  classCount: number,
): LabelFormat | null {
  switch (classMode) {
    case 'categorical':
      return { dtype: xDtype, shape: [classCount] };
    case 'binary':
      return { dtype: xDtype, shape: [] };
    case 'sparse':
      return { dtype: 'int32', shape: [] };
    default:
      return null;
  }
}

export function encodeLabels(format: LabelFormat, labels: readonly number[]): TypedArray {
  const width = format.shape.length ? format.shape[0] : 1;
  const out = allocTyped(format.dtype, labels.length * width);
  labels.forEach((label, i) => {
    if (format.shape.length) out[i * width + label] = 1;
    else out[i] = label;
  });
  return out;
}
