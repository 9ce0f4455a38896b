/**
 * Runs one scenario of the diagnostics suite: a real bundled dataset through the real data loader
 * and engine, with a DiagnosticsSession listening live, exactly as runTraining wires it (minus the
 * run folder). Optionally flips a seeded sample of training labels first (label-noise scenarios).
 */
import path from 'node:path';
import { fillDefaults } from '../../src/config/defaults';
import type { LossLensConfig } from '../../src/config/types';
import { setBundledDatasetsDir } from '../../src/data/bundled';
import type { EncodedDataset } from '../../src/data/dataset';
import { loadDataset } from '../../src/data/load';
import { DiagnosticsSession } from '../../src/diagnostics/session';
import type { DiagnosticsReport, EpochMetrics, Flag, SplitOutputs } from '../../src/model';
import type { TrainingSummary } from '../../src/engine/events';
import { Rng } from '../../src/rng';
import { trainConfig } from '../unit/helpers/config';

export interface StepRecord {
  readonly step: number;
  readonly epoch: number;
  readonly loss: number;
  readonly gradNorm: number;
  readonly maxDead: number;
}

export interface ScenarioRun {
  readonly config: LossLensConfig;
  readonly data: EncodedDataset;
  readonly steps: readonly StepRecord[];
  readonly epochs: readonly EpochMetrics[];
  /** Every flag as onFlag saw it, escalations included, in order. */
  readonly live: readonly Flag[];
  readonly report: DiagnosticsReport;
  readonly summary: TrainingSummary;
  readonly finalValidation: SplitOutputs;
  /** Training-set rows whose label was flipped, ascending. */
  readonly flipped: readonly number[];
}

export interface ScenarioSetup {
  /** A partial *.losslens.json value; the defaults of docs/config.md fill the rest. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Fraction of training rows whose label is flipped to another class (seeded). */
  readonly flipFraction?: number;
}

function classCounts(y: Int32Array, rows: number, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < rows; i++) counts[y[i]!]!++;
  return counts;
}

/** Flips round(fraction · rows) distinct training labels to a uniformly chosen other class. */
export function flipLabels(data: EncodedDataset, fraction: number, seed: number): number[] {
  const rows = data.train.rows;
  const rng = Rng.forRun(seed).stream('scenario/flip');
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  rng.shuffle(order);
  const flipped = Array.from(order.subarray(0, Math.round(fraction * rows))).sort((a, b) => a - b);
  const c = data.classes.length;
  for (const i of flipped) data.train.y[i] = (data.train.y[i]! + 1 + rng.int(c - 1)) % c;
  return flipped;
}

export async function runScenario(setup: ScenarioSetup): Promise<ScenarioRun> {
  setBundledDatasetsDir(path.join(process.cwd(), 'media', 'datasets'));
  const config = fillDefaults(setup.config, 'scenario.losslens.json');
  const data = await loadDataset(config, process.cwd());
  const flipped = setup.flipFraction ? flipLabels(data, setup.flipFraction, config.seed + 1) : [];
  const steps: StepRecord[] = [];
  const epochs: EpochMetrics[] = [];
  const live: Flag[] = [];
  const session = new DiagnosticsSession(
    {
      classes: data.classes,
      config,
      trainClassCounts: classCounts(data.train.y, data.train.rows, data.classes.length),
      stepsPerEpoch: Math.ceil(data.train.rows / config.training.batchSize),
    },
    (f) => live.push(f),
  );
  const summary = trainConfig(
    config,
    data,
    {
      onStep: (s) => {
        steps.push({ step: s.step, epoch: s.epoch, loss: s.loss, gradNorm: s.gradNorm, maxDead: s.deadFractions.length ? Math.max(...s.deadFractions) : 0 });
        session.onStep(s);
      },
      onEpoch: (e) => {
        epochs.push(e.metrics);
        session.onEpoch(e);
      },
    },
    { recordTrainOutputs: setup.flipFraction !== undefined },
  );
  const report = session.finish(summary.finalValidation);
  return { config, data, steps, epochs, live, report, summary, finalValidation: summary.finalValidation, flipped };
}
