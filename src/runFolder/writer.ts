/**
 * Writes one run folder (docs/run-folder.md) as training goes. metrics.jsonl is appended and written
 * through to the OS at every epoch (steps are buffered until their epoch ends), so a reader — the
 * dashboard, `loss-lens diagnose`, a crash post-mortem — always sees whole epochs. The final files
 * are written to a temporary name and renamed, so none is ever seen half-written.
 */
import { closeSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import type { LossLensConfig } from '../config/types';
import type { DiagnosticsReport, EpochMetrics, SplitOutputs, StepRecord } from '../model';
import type { ModelJson } from '../engine/modelJson';
import { RUN_FILES } from './layout';
import { predictionsCsv } from './predictions';
import { epochLine, stepLine } from './records';

/** JSON with non-finite numbers as null (JSON.stringify does this for NaN/Infinity; every file must have it). */
function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

export class RunFolderWriter {
  private metricsFd: number | undefined;
  private pendingSteps: string[] = [];

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    // 'w': a folder reused with --out starts a fresh log rather than mixing two runs.
    this.metricsFd = openSync(path.join(dir, RUN_FILES.metrics), 'w');
  }

  private writeWhole(name: string, text: string): void {
    const target = path.join(this.dir, name);
    const temporary = `${target}.partial`;
    writeFileSync(temporary, text);
    renameSync(temporary, target);
  }

  writeConfig(config: LossLensConfig): void {
    this.writeWhole(RUN_FILES.config, json(config));
  }

  /** Buffered until the epoch's record is written. */
  step(s: StepRecord): void {
    this.pendingSteps.push(stepLine(s));
  }

  /** Appends the epoch's step records and its epoch record, written through to the OS now. */
  epoch(m: EpochMetrics): void {
    this.pendingSteps.push(epochLine(m));
    this.flushMetrics();
  }

  private flushMetrics(): void {
    if (this.metricsFd === undefined || !this.pendingSteps.length) return;
    writeSync(this.metricsFd, this.pendingSteps.join('\n') + '\n');
    this.pendingSteps = [];
  }

  writeDiagnostics(report: DiagnosticsReport): void {
    this.writeWhole(RUN_FILES.diagnostics, json({ flags: report.flags, calibration: report.calibration, suspectedMislabeled: report.suspectedMislabeled }));
  }

  writePredictions(classes: readonly string[], outputs: SplitOutputs): void {
    this.writeWhole(RUN_FILES.predictions, predictionsCsv(classes, outputs));
  }

  writeModel(model: ModelJson): void {
    this.writeWhole(RUN_FILES.model, json(model));
  }

  /** Writes the steps of an unfinished epoch (a stopped run keeps what was measured) and closes. */
  close(): void {
    this.flushMetrics();
    if (this.metricsFd !== undefined) closeSync(this.metricsFd);
    this.metricsFd = undefined;
  }
}
