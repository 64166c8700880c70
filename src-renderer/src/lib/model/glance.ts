/**
 * What a layer node says about itself when zoomed far out: a kind short
 * enough to print large (the output shape goes under it).
 */

const SHORT: Record<string, string> = {
  input: 'Input',
  dense: 'Dense',
  conv2d: 'Conv',
  maxPooling2d: 'MaxPool',
  averagePooling2d: 'AvgPool',
  globalAveragePooling2d: 'GAP',
  flatten: 'Flatten',
  reshape: 'Reshape',
  dropout: 'Dropout',
  batchNormalization: 'BN',
  layerNormalization: 'LN',
  add: 'Add',
  concatenate: 'Concat',
  output: 'Output',
};

/** The short kind of a layer; an Activation layer is named by its function (`relu`), which is what tells it apart. */
export function glanceKind(type: string, summary: string): string {
  if (type === 'activation') return summary.split(/[\s(]/, 1)[0] || 'Activation';
  return SHORT[type] ?? type;
}
