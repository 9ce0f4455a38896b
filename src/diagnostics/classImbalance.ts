/**
 * Class imbalance: the largest training class has at least `ratio` times the rows of the smallest,
 * and the loss is unweighted. Raised as `info` at the first epoch (the data alone says so), and
 * escalated to `warning` when it visibly hurts on the final validation outputs: accuracy exceeds
 * balanced accuracy (the mean per-class recall) by `recallGap`, i.e. the small classes are the
 * ones the model gets wrong. Fix: `loss.classWeights: "balanced"` (w_c = n / (C · n_c), as
 * scikit-learn's compute_class_weight).
 */
import type { Fix, Severity, SplitOutputs } from '../model';
import { fmt, pct } from './stats';
import { resolveThresholds } from './thresholds';
import type { Detector, DetectorEnv, EpochInput } from './types';

export const CLASS_IMBALANCE_DEFAULTS = {
  /** Largest / smallest class count. 3:1 is where imbalance usually starts to bias an unweighted loss (He & Garcia 2009 treat 1:100 as severe; 3:1 is a conservative first sign). */
  ratio: 3,
  /** Accuracy minus balanced accuracy on validation that counts as "hurting". */
  recallGap: 0.1,
};

const BALANCED_FIX: Fix = { title: 'Weight the loss by class ("balanced")', edits: [{ path: 'loss.classWeights', value: 'balanced' }] };

export class ClassImbalanceDetector implements Detector {
  readonly kind = 'class-imbalance' as const;
  private readonly t: typeof CLASS_IMBALANCE_DEFAULTS;
  private raisedSeverity: Severity | null = null;
  private counts: readonly number[] | null;
  private lastValidation: SplitOutputs | null = null;
  private lastEpoch = 0;
  private firstEpoch = 0;

  constructor(private readonly env: DetectorEnv) {
    this.t = resolveThresholds('class-imbalance', CLASS_IMBALANCE_DEFAULTS, env.ctx.config?.diagnostics);
    this.counts = env.ctx.trainClassCounts ?? null;
  }

  private weighted(): boolean {
    const w = this.env.ctx.config?.loss.classWeights;
    return w !== undefined && w !== 'none';
  }

  onEpoch(event: EpochInput): void {
    this.lastEpoch = event.metrics.epoch;
    if (event.validation) this.lastValidation = event.validation;
    if (!this.counts && event.train) this.counts = countLabels(event.train.labels, event.train.classes);
    if (this.raisedSeverity || this.weighted() || !this.counts) return;
    const r = this.imbalance();
    if (!r || r.ratio < this.t.ratio) return;
    this.firstEpoch = event.metrics.epoch;
    this.raise('info', r, event.metrics.epoch, null);
  }

  finish(finalValidation?: SplitOutputs): void {
    const outputs = finalValidation && finalValidation.rows > 0 ? finalValidation : this.lastValidation;
    if (this.weighted() || !outputs || outputs.rows === 0) return;
    this.counts ??= countLabels(outputs.labels, outputs.classes);
    const r = this.imbalance();
    if (!r || r.ratio < this.t.ratio) return;
    const recall = perClassRecall(outputs);
    const present = recall.filter((x): x is number => x !== null);
    if (present.length < 2) return;
    const balanced = present.reduce((a, b) => a + b, 0) / present.length;
    let hits = 0;
    for (let i = 0; i < outputs.rows; i++) hits += argmax(outputs.probabilities, i, outputs.classes) === outputs.labels[i] ? 1 : 0;
    const accuracy = hits / outputs.rows;
    if (accuracy - balanced < this.t.recallGap) return;
    this.raise('warning', r, this.lastEpoch, { accuracy, balanced, recall });
  }

  private imbalance(): { ratio: number; largest: number; smallest: number } | null {
    const c = this.counts!;
    let largest = -1;
    let smallest = -1;
    for (let k = 0; k < c.length; k++) {
      if (c[k]! <= 0) continue;
      if (largest < 0 || c[k]! > c[largest]!) largest = k;
      if (smallest < 0 || c[k]! < c[smallest]!) smallest = k;
    }
    if (largest < 0 || smallest < 0 || largest === smallest) return null;
    return { ratio: c[largest]! / c[smallest]!, largest, smallest };
  }

  private raise(severity: Severity, r: { ratio: number; largest: number; smallest: number }, epoch: number, hurt: { accuracy: number; balanced: number; recall: (number | null)[] } | null): void {
    this.raisedSeverity = severity;
    const names = this.env.ctx.classes;
    const name = (k: number) => (names?.[k] !== undefined ? `"${names[k]}"` : `class ${k}`);
    const c = this.counts!;
    let message = `Class imbalance: the training set has ${c[r.largest]} rows of ${name(r.largest)} but only ${c[r.smallest]} of ${name(r.smallest)} (${fmt(r.ratio, 2)}:1), and the loss is unweighted, so the model gains little by getting the small classes right.`;
    if (hurt) {
      const worst = hurt.recall.reduce<number>((w, x, k) => (x !== null && (w < 0 || x < hurt.recall[w]!) ? k : w), -1);
      message += ` It shows on validation: accuracy ${pct(hurt.accuracy)} but balanced accuracy (mean per-class recall) ${pct(hurt.balanced)}${worst >= 0 ? `; ${name(worst)} is recognised only ${pct(hurt.recall[worst]!, 0)} of the time` : ''}.`;
    }
    message += ' Try class weights "balanced".';
    this.env.raise({
      kind: 'class-imbalance',
      severity,
      epoch,
      message,
      evidence: {
        onsetEpoch: this.firstEpoch || epoch,
        ratio: r.ratio,
        classCounts: c,
        largestClass: names?.[r.largest] ?? r.largest,
        smallestClass: names?.[r.smallest] ?? r.smallest,
        ...(hurt ? { accuracy: hurt.accuracy, balancedAccuracy: hurt.balanced, recallByClass: hurt.recall } : {}),
      },
      fix: [BALANCED_FIX],
    });
  }
}

function countLabels(labels: Int32Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const y of labels) counts[y] = (counts[y] ?? 0) + 1;
  return counts;
}

function argmax(p: Float32Array, row: number, classes: number): number {
  let best = 0;
  for (let k = 1; k < classes; k++) if (p[row * classes + k]! > p[row * classes + best]!) best = k;
  return best;
}

/** Recall of each class on these outputs; null for a class with no rows. */
export function perClassRecall(o: SplitOutputs): (number | null)[] {
  const hits = new Array<number>(o.classes).fill(0);
  const total = new Array<number>(o.classes).fill(0);
  for (let i = 0; i < o.rows; i++) {
    const y = o.labels[i]!;
    total[y]!++;
    if (argmax(o.probabilities, i, o.classes) === y) hits[y]!++;
  }
  return total.map((n, k) => (n ? hits[k]! / n : null));
}
