/**
 * One run's diagnostics: wires the detectors (one per file), feeds them the engine's events as they
 * come, and keeps one flag per kind. A detector raises a kind once; raising the same kind again
 * with a higher severity escalates it (warning -> error), which `onFlag` sees as a new flag with the
 * same kind (its `epoch` stays that of the first raise; `evidence.escalatedEpoch` says when). `finish()` returns diagnostics.json's content (docs/run-folder.md).
 * Flags leave the session with the lead diagnosis applied (leads.ts): when a cause is raised after
 * a flag it explains, that flag is sent again through `onFlag`, now pointing to its lead.
 *
 * Works live (worker, CLI) and on logs read from disk, where events may carry only EpochMetrics
 * (and steps only {loss, gradNorm}): every detector degrades to what the events hold.
 */
import { type Calibration, type DiagnosticsReport, type EceReading, eceReadingOf, type EpochMetrics, type Flag, type FlagKind, severityRank, type SplitOutputs, type StepStats } from '../model';
import { computeCalibration } from './calibration';
import { ClassImbalanceDetector } from './classImbalance';
import { DeadNetworkDetector } from './deadNetwork';
import { DeadUnitsDetector } from './deadUnits';
import { ExplodingLossDetector } from './explodingLoss';
import { MiscalibrationDetector } from './miscalibration';
import { MislabeledDetector } from './mislabeled';
import { OscillationDetector } from './oscillation';
import { OverfittingDetector } from './overfitting';
import { PlateauDetector } from './plateau';
import { withSmallSplitNote } from './smallSplit';
import { withLeads } from './leads';
import { detectorEnabled } from './thresholds';
import type { Detector, DetectorEnv, EpochInput, RunContext } from './types';

/** A step from a foreign log may hold only loss and gradNorm; the rest defaults to "unknown". */
export type PartialStep = Pick<StepStats, 'step' | 'loss'> & Partial<StepStats>;

export class DiagnosticsSession {
  private readonly detectors: Detector[] = [];
  private readonly miscalibration: MiscalibrationDetector | null;
  private readonly mislabeled: MislabeledDetector | null;
  private readonly byKind = new Map<FlagKind, Flag>();
  private readonly order: FlagKind[] = [];
  /** The lead each kind was last sent with through onFlag (undefined: none). */
  private readonly sentLead = new Map<FlagKind, unknown>();
  private lastValidation: SplitOutputs | null = null;
  private liveCalibration: Calibration | null = null;
  /** The ECE trend (diagnostics.json's `eceByEpoch`): kept here, where every epoch's calibration is computed. */
  private readonly eceByEpoch: EceReading[] = [];
  private report: DiagnosticsReport | null = null;
  private stepsSeen = 0;
  private lastEpoch = 0;

  constructor(
    readonly ctx: RunContext,
    private readonly onFlag?: (flag: Flag) => void,
  ) {
    // Every flag passes through the small-split note on its way in (raised, escalated or refreshed).
    const noted = (f: Flag): Flag => withSmallSplitNote(f, ctx.validationRows);
    const env: DetectorEnv = { ctx, raise: (f) => this.raise(noted(f)), raised: (k) => this.byKind.get(k), resolve: (k, note, evidence) => this.resolve(k, note, evidence), refresh: (f) => this.refresh(noted(f)) };
    const on = (kind: string) => detectorEnabled(kind, ctx.config?.diagnostics);
    const add = <D extends Detector>(d: D): D => {
      this.detectors.push(d);
      return d;
    };
    // Order matters only for suppression: causes (explosion, dead network) before symptoms.
    if (on('exploding-loss')) add(new ExplodingLossDetector(env));
    if (on('dead-network')) add(new DeadNetworkDetector(env));
    if (on('dead-units')) add(new DeadUnitsDetector(env));
    if (on('overfitting')) add(new OverfittingDetector(env));
    if (on('plateau')) add(new PlateauDetector(env));
    if (on('oscillation')) add(new OscillationDetector(env));
    if (on('class-imbalance')) add(new ClassImbalanceDetector(env));
    this.miscalibration = on('miscalibration') ? add(new MiscalibrationDetector(env)) : null;
    this.mislabeled = on('mislabeled-rows') ? add(new MislabeledDetector(env)) : null;
  }

  onStep(s: StepStats | PartialStep): void {
    if (this.report) return;
    this.stepsSeen++;
    const full: StepStats = {
      epoch: s.epoch ?? this.lastEpoch + 1,
      batch: s.batch ?? 0,
      gradNorm: s.gradNorm ?? 0,
      layerGradNorms: s.layerGradNorms ?? [],
      deadFractions: s.deadFractions ?? [],
      learningRate: s.learningRate ?? NaN,
      timeMs: s.timeMs ?? 0,
      step: s.step,
      loss: s.loss,
    };
    for (const d of this.detectors) d.onStep?.(full);
  }

  onEpoch(e: EpochInput | { readonly metrics: EpochMetrics }): void {
    if (this.report) return;
    const event = e as EpochInput;
    this.lastEpoch = event.metrics.epoch;
    if (event.validation) this.lastValidation = event.validation;
    for (const d of this.detectors) d.onEpoch?.(event);
    if (!event.validation) return;
    this.liveCalibration = this.miscalibration?.calibration() ?? safeCalibration(event.validation);
    if (this.liveCalibration) this.eceByEpoch.push(eceReadingOf(event.metrics.epoch, this.liveCalibration));
  }

  /** The latest validation calibration (live, per epoch), or null before any epoch with outputs. */
  calibration(): Calibration | null {
    return this.liveCalibration;
  }

  /** The flags so far, in raise order, with the lead diagnosis applied. */
  flags(): readonly Flag[] {
    return withLeads(this.order.map((k) => this.byKind.get(k)!));
  }

  /**
   * Ends the run: detectors judge the final model (`finalValidation`, the final or restored-best
   * model's outputs; else the last epoch's) and the report for diagnostics.json is returned.
   * Calling it again returns the same report.
   */
  finish(finalValidation?: SplitOutputs): DiagnosticsReport {
    if (this.report) return this.report;
    for (const d of this.detectors) d.finish?.(finalValidation);
    const outputs = finalValidation && finalValidation.rows > 0 ? finalValidation : this.lastValidation;
    const calibration = this.miscalibration?.calibration() ?? (outputs ? safeCalibration(outputs) : null);
    this.liveCalibration = calibration;
    this.report = {
      flags: this.flags(),
      calibration,
      suspectedMislabeled: this.mislabeled?.suspected() ?? [],
      ...(this.eceByEpoch.length ? { eceByEpoch: [...this.eceByEpoch] } : {}),
      ...(this.mislabeled ? { mislabeledCheck: this.mislabeled.check() } : {}),
    };
    return this.report;
  }

  /**
   * Downgrades a live flag whose problem is gone from the final model to `info`, in the report only:
   * `onFlag` is not called (a view keeps what it showed live; diagnostics.json says how it ended).
   */
  private resolve(kind: FlagKind, note: string, evidence: Readonly<Record<string, unknown>> = {}): void {
    const flag = this.byKind.get(kind);
    if (!flag || flag.severity === 'info') return;
    this.byKind.set(kind, { ...flag, severity: 'info', message: `${note} ${flag.message}`, evidence: { ...flag.evidence, ...evidence, resolved: true, severityBeforeResolved: flag.severity } });
  }

  /** Rewrites a flag to describe the end state (report only, no onFlag); see DetectorEnv.refresh. */
  private refresh(flag: Flag): void {
    const previous = this.byKind.get(flag.kind);
    if (!previous || severityRank(flag.severity) > severityRank(previous.severity)) {
      this.raise(flag);
      return;
    }
    const kept: Record<string, unknown> = {};
    for (const key of ['escalatedEpoch', 'escalatedStep', 'firstSeverity']) if (previous.evidence[key] !== undefined) kept[key] = previous.evidence[key];
    this.byKind.set(flag.kind, {
      ...flag,
      severity: previous.severity,
      epoch: previous.epoch,
      ...(previous.step !== undefined ? { step: previous.step } : {}),
      evidence: { ...flag.evidence, ...earlierOnset(previous, flag), ...kept },
    });
  }

  private raise(flag: Flag): void {
    const previous = this.byKind.get(flag.kind);
    if (previous && severityRank(flag.severity) <= severityRank(previous.severity)) return;
    // An escalation keeps the epoch (and step) of the first raise: that is when the evidence was
    // first enough (docs/run-folder.md), so epoch - onsetEpoch stays the detection delay. The escalation's
    // own time and the first severity go into the evidence.
    const stored: Flag = previous
      ? {
          ...flag,
          epoch: previous.epoch,
          ...(previous.step !== undefined ? { step: previous.step } : {}),
          evidence: {
            ...flag.evidence,
            ...earlierOnset(previous, flag),
            escalatedEpoch: flag.epoch,
            ...(flag.step !== undefined ? { escalatedStep: flag.step } : {}),
            firstSeverity: previous.evidence['firstSeverity'] ?? previous.severity,
          },
        }
      : flag;
    if (!previous) this.order.push(flag.kind);
    this.byKind.set(flag.kind, stored);
    if (!this.onFlag) return;
    // This flag as it leaves (perhaps led by an earlier cause), then any earlier flag it now leads.
    const all = this.flags();
    for (const f of all) {
      const lead = f.evidence['ledBy'];
      if (f.kind !== flag.kind && this.sentLead.get(f.kind) === lead) continue;
      this.sentLead.set(f.kind, lead);
      this.onFlag(f);
    }
  }
}

/** The problem began at the earlier of the two onsets (an escalation may measure from a later symptom). */
function earlierOnset(previous: Flag, next: Flag): Record<string, unknown> {
  const a = previous.evidence['onsetEpoch'];
  const b = next.evidence['onsetEpoch'];
  if (typeof a !== 'number' || (typeof b === 'number' && b <= a)) return {};
  const out: Record<string, unknown> = { onsetEpoch: a };
  if (previous.evidence['onsetStep'] !== undefined) out['onsetStep'] = previous.evidence['onsetStep'];
  return out;
}

function safeCalibration(outputs: SplitOutputs): Calibration | null {
  if (outputs.rows === 0) return null;
  for (let i = 0; i < outputs.probabilities.length; i++) if (!Number.isFinite(outputs.probabilities[i]!)) return null;
  return computeCalibration(outputs);
}
