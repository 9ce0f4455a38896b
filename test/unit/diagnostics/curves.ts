/**
 * Replays a recorded curve (test/fixtures/curves, written by `npm run bench:timing` with
 * LOSSLENS_TIMING_RECORD) through a DiagnosticsSession as `loss-lens diagnose` would: each epoch's
 * steps, then its epoch record. Not a test file: imported by the tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fillDefaults } from '../../../src/config/defaults';
import { DiagnosticsSession } from '../../../src/diagnostics/session';
import type { DiagnosticsReport, EpochMetrics, Flag } from '../../../src/model';

/** Tests run from the repository root (like test/unit/logs/realLogs.test.ts). */
export const CURVES_DIR = path.join(process.cwd(), 'test', 'fixtures', 'curves');

export interface RecordedCurve {
  readonly id: string;
  readonly made: string;
  readonly config: Record<string, unknown>;
  readonly classes: readonly string[];
  readonly trainClassCounts: readonly number[] | null;
  /** [epoch, trainLoss, valLoss, valAccuracy] (null = not finite). */
  readonly epochs: readonly (readonly (number | null)[])[];
  /** [step, epoch, loss, gradNorm] of the first epochs. */
  readonly steps: readonly (readonly (number | null)[])[];
  /** What the detectors said when it was recorded (the first raise's epoch and step). */
  readonly flagsWhenRecorded: readonly { kind: string; severity: string; epoch: number; step?: number }[];
}

export function loadCurve(id: string, dir = CURVES_DIR): RecordedCurve {
  return JSON.parse(fs.readFileSync(path.join(dir, `${id}.json`), 'utf8')) as RecordedCurve;
}

const num = (x: number | null | undefined): number => (x === null || x === undefined ? NaN : x);

/** The recorded metrics as epoch records (learning rate and timing are not recorded). */
export function epochMetrics(curve: RecordedCurve): EpochMetrics[] {
  const lr = (curve.config['optimizer'] as { learningRate?: number } | undefined)?.learningRate ?? NaN;
  return curve.epochs.map(([epoch, trainLoss, valLoss, valAccuracy]) => ({ epoch: epoch!, trainLoss: num(trainLoss), valLoss: num(valLoss), trainAccuracy: NaN, valAccuracy: num(valAccuracy), learningRate: lr, gradNorm: NaN, timeMs: 0 }));
}

export interface Replay {
  /** Every flag as raised live, escalations included. */
  readonly live: readonly Flag[];
  readonly report: DiagnosticsReport;
}

export function replay(curve: RecordedCurve, overrides: Record<string, unknown> = {}): Replay {
  const config = fillDefaults({ ...curve.config, ...overrides }, `${curve.id}.losslens.json`);
  const live: Flag[] = [];
  const session = new DiagnosticsSession(
    { classes: curve.classes, config, ...(curve.trainClassCounts ? { trainClassCounts: curve.trainClassCounts } : {}) },
    (f) => live.push(f),
  );
  let s = 0;
  for (const metrics of epochMetrics(curve)) {
    while (s < curve.steps.length && !(num(curve.steps[s]![1]) > metrics.epoch)) {
      const [step, epoch, loss, gradNorm] = curve.steps[s++]!;
      session.onStep({ step: step!, epoch: epoch!, loss: num(loss), gradNorm: num(gradNorm) });
    }
    session.onEpoch({ metrics });
  }
  return { live, report: session.finish() };
}

/** The first live raise of a kind (its epoch/step are kept through escalations). */
export function firstRaise(r: Replay, kind: string): Flag | undefined {
  return r.live.find((f) => f.kind === kind);
}
