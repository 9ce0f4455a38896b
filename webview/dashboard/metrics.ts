/** Which quantities each curve chart shows, and where each comes from (epoch records or step readings). */
import type { EpochMetrics } from '../../src/protocol/webview';

export type MetricChartId = 'loss' | 'accuracy' | 'grad-norm' | 'learning-rate';
export type EpochField = Exclude<keyof EpochMetrics, 'epoch' | 'timeMs' | 'unrecorded'>;
export type StepField = 'loss' | 'gradNorm' | 'learningRate';

export interface SeriesDef {
  readonly key: string;
  readonly label: string;
  /** Train curves take the first palette colour, validation the second (single-run view). */
  readonly role: 'train' | 'validation';
  readonly epochField: EpochField;
  /** Present when the quantity is also measured per step. */
  readonly stepField?: StepField;
}

export interface MetricDef {
  readonly id: MetricChartId;
  readonly title: string;
  readonly yLabel: string;
  readonly series: readonly SeriesDef[];
  /** Show values as percentages in tables. */
  readonly percent?: boolean;
}

export const METRICS: readonly MetricDef[] = [
  {
    id: 'loss',
    title: 'Loss',
    yLabel: 'loss',
    series: [
      { key: 'train', label: 'train loss', role: 'train', epochField: 'trainLoss', stepField: 'loss' },
      { key: 'validation', label: 'validation loss', role: 'validation', epochField: 'valLoss' },
    ],
  },
  {
    id: 'accuracy',
    title: 'Accuracy',
    yLabel: 'accuracy',
    percent: true,
    series: [
      { key: 'train', label: 'train accuracy', role: 'train', epochField: 'trainAccuracy' },
      { key: 'validation', label: 'validation accuracy', role: 'validation', epochField: 'valAccuracy' },
    ],
  },
  {
    id: 'grad-norm',
    title: 'Gradient norm',
    yLabel: 'global L2 norm (before clipping)',
    series: [{ key: 'grad', label: 'gradient norm', role: 'train', epochField: 'gradNorm', stepField: 'gradNorm' }],
  },
  {
    id: 'learning-rate',
    title: 'Learning rate',
    yLabel: 'learning rate',
    series: [{ key: 'lr', label: 'learning rate', role: 'train', epochField: 'learningRate', stepField: 'learningRate' }],
  },
];
