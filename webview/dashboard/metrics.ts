/**
 * Which quantities each curve chart shows, and where each comes from (epoch records, step readings,
 * per-layer step readings, or a scalar the log carried). The four charts every run has come first;
 * any other logged quantity of the shown runs can be added as a chart of its own (`extraMetrics`).
 */
import type { EpochMetrics } from '../../src/protocol/webview';
import type { LayerField, RunModel } from './store';

export type EpochField = Exclude<keyof EpochMetrics, 'epoch' | 'timeMs' | 'unrecorded'>;
export type StepField = 'loss' | 'gradNorm' | 'learningRate';

/** A per-step source: one of the step columns, or one layer's column of a per-layer reading. */
export type StepSource = { readonly field: StepField } | { readonly layer: LayerField; readonly index: number };

export interface SeriesDef {
  readonly key: string;
  readonly label: string;
  /** Train curves take the first palette colour, validation the second (single-run view). */
  readonly role: 'train' | 'validation';
  readonly epochField?: EpochField;
  /** Present when the quantity is also (or only) measured per step. */
  readonly step?: StepSource;
  /** A scalar the run logged, by name and axis. */
  readonly scalar?: { readonly name: string; readonly axis: 'step' | 'epoch' };
}

export interface MetricDef {
  readonly id: string;
  readonly title: string;
  readonly yLabel: string;
  readonly series: readonly SeriesDef[];
  /** Show values as percentages in tables. */
  readonly percent?: boolean;
  /** Whether a log y scale is offered: not for bounded fractions such as accuracy, where it only bends the curve. */
  readonly logAllowed: boolean;
  /** A chart whose every series is constant collapses to one line of text (never the loss chart). */
  readonly collapsible: boolean;
  /** An added chart (the user can remove it). */
  readonly extra?: boolean;
}

export const METRICS: readonly MetricDef[] = [
  {
    id: 'loss',
    title: 'Loss',
    yLabel: 'loss',
    logAllowed: true,
    collapsible: false,
    series: [
      { key: 'train', label: 'train loss', role: 'train', epochField: 'trainLoss', step: { field: 'loss' } },
      { key: 'validation', label: 'validation loss', role: 'validation', epochField: 'valLoss' },
    ],
  },
  {
    id: 'accuracy',
    title: 'Accuracy',
    yLabel: 'accuracy',
    percent: true,
    logAllowed: false,
    collapsible: true,
    series: [
      { key: 'train', label: 'train accuracy', role: 'train', epochField: 'trainAccuracy' },
      { key: 'validation', label: 'validation accuracy', role: 'validation', epochField: 'valAccuracy' },
    ],
  },
  {
    id: 'grad-norm',
    title: 'Gradient norm',
    yLabel: 'global L2 norm',
    logAllowed: true,
    collapsible: true,
    series: [{ key: 'grad', label: 'gradient norm', role: 'train', epochField: 'gradNorm', step: { field: 'gradNorm' } }],
  },
  {
    id: 'learning-rate',
    title: 'Learning rate',
    yLabel: 'learning rate',
    logAllowed: true,
    collapsible: true,
    series: [{ key: 'lr', label: 'learning rate', role: 'train', epochField: 'learningRate', step: { field: 'learningRate' } }],
  },
];

const LAYER_TITLES: Readonly<Record<LayerField, (k: number) => string>> = {
  layerGradNorm: (k) => `Gradient norm, layer ${k + 1}`,
  deadFraction: (k) => `Dead units, hidden layer ${k + 1}`,
};

/**
 * Every other quantity the runs logged, as a chart that can be added: each layer's gradient norm
 * and dead-unit fraction (per step, from a live run) and each extra scalar of a foreign log.
 */
export function extraMetrics(runs: readonly RunModel[]): MetricDef[] {
  const out = new Map<string, MetricDef>();
  for (const run of runs) {
    for (const layer of ['layerGradNorm', 'deadFraction'] as const) {
      run.steps[layer].forEach((column, index) => {
        const id = `${layer}-${index}`;
        if (column.finiteCount === 0 || out.has(id)) return;
        const title = LAYER_TITLES[layer](index);
        const fraction = layer === 'deadFraction';
        out.set(id, { id, title, yLabel: fraction ? 'fraction of units' : 'L2 norm', percent: fraction, logAllowed: !fraction, collapsible: true, extra: true, series: [{ key: id, label: title.toLowerCase(), role: 'train', step: { layer, index } }] });
      });
    }
    for (const s of run.scalars) {
      const id = `scalar-${s.axis}-${s.name}`;
      if (out.has(id) || s.value.finiteCount === 0) continue;
      out.set(id, { id, title: s.name, yLabel: s.name, logAllowed: true, collapsible: true, extra: true, series: [{ key: id, label: s.name, role: 'train', scalar: { name: s.name, axis: s.axis } }] });
    }
  }
  return [...out.values()];
}
