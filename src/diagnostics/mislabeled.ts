/**
 * Suspected mislabeled training rows by the Area Under the Margin (Pleiss et al. 2020): for each
 * training row and epoch, the margin is the logit of its given label minus the largest other logit
 * (for a sigmoid output z for the second class, -z for the first); AUM is its mean over epochs
 * (after a burn-in, see `burnIn`).
 * A correctly labelled row, even a hard one, is pushed to a positive margin early by the rows like
 * it; a mislabelled row is pulled the other way by its look-alikes until the network memorises it,
 * so its margin stays negative for most of training. Pleiss et al. set the threshold with fake
 * "threshold samples" (an extra class), which needs a change to training; without them we flag rows
 * whose AUM is below `maxAum` (0: on average over training, the model preferred another class) and
 * below `-relativeMargin` × the median positive AUM (see the constant). On noisy tables (diabetes,
 * credit-g: a quarter of the rows are ambiguous) hard rows and flipped rows look alike and
 * precision stays low (~0.2); on cleaner ones it is 0.7-0.95.
 * Enough evidence: a row is named only when it was already a suspect before the last epochs, over
 * the first `stablePrefix` of the counted epochs (a stability check of the ranking): the AUM of a
 * few noisy epochs (a run early-stopped at epoch 9) names rows the network has not sorted out yet,
 * and those come and go as epochs are added; a flipped row is on the wrong side all along (the
 * network memorizes it last). The evidence gives the agreement of the two suspect sets (Jaccard)
 * as the ranking's stability.
 * Needs the training-set outputs every epoch (TrainOptions.recordTrainOutputs); otherwise quiet.
 * On a log, the rows are those of an outside model's per-epoch predictions files (held-out rows,
 * RunContext.rowOutputs): a held-out row the model keeps giving to another class, epoch after epoch,
 * is the out-of-sample evidence confident learning uses (Northcutt et al. 2021). Their logits are
 * log-probabilities, so the margin is the log-odds of the label against the runner-up.
 * `score` is -AUM (higher is more suspicious); `suggested` is the class with the highest mean logit
 * other than the label.
 */
import type { SplitOutputs, SuspectedMislabeled } from '../model';
import { fmt, median } from './stats';
import { resolveThresholds } from './thresholds';
import type { Detector, DetectorEnv, EpochInput } from './types';

export const MISLABELED_DEFAULTS = {
  /** Rows with AUM below this (logit units) are suspects... */
  maxAum: 0,
  /**
   * ...and also below -relativeMargin × the median AUM of the rows the model agrees with. A row
   * labelled j that truly belongs to k sits about as far on the wrong side as k's rows sit on the
   * right side, so its AUM is near the mirror image of a typical positive AUM; natural hard rows
   * hover near 0. This scale-free margin stands in for Pleiss et al.'s threshold samples. 0.3: on
   * the suite's flipped-label runs (iris, wine, breast-cancer, digits, 2 seeds) precision rose from
   * 0.46-0.90 at 0 to 0.66-0.96, recall fell from 0.91-0.97 to 0.78-0.97 (bench:diagnostics).
   */
  relativeMargin: 0.3,
  /** Epochs of training outputs needed before anything is said. */
  minEpochs: 3,
  /**
   * Share of the way from the first to the best training agreement after which epochs count (0: all).
   * 0.5 on the suite (3 seeds): digits 10 epochs precision 0.49 -> 0.56, 15 epochs 0.66 -> 0.72,
   * others within ±0.03 (wine recall 0.86 -> 0.83).
   */
  burnIn: 0.5,
  /**
   * AUM ranks rows by how the LEARNED structure pulls them, so it needs a model that learned some:
   * the best eval-mode training accuracy must close at least this share of the gap between always
   * predicting the majority class and fitting every row. A dead or collapsed network (say, stuck
   * predicting one class after an explosion) pulls every other class's rows the wrong way and
   * would name most of them. 0.25 keeps the noisy tables of the suite (diabetes: majority 0.65,
   * training accuracy about 0.8) and silences the dead exploding-wine run (0.40, stuck at 0.40).
   */
  minLearnedShare: 0.25,
  /**
   * A suspect must also be one over this share of the counted epochs, the first ones (see the
   * file comment; 1 turns the check off). 2/3: on the scenario suite's flipped-label runs
   * (bench:diagnostics) see the README for precision, recall and precision@k with and without it.
   */
  stablePrefix: 2 / 3,
  /** Rows named in the message (all suspects are listed in suspectedMislabeled). */
  rowsInMessage: 5,
};

export class MislabeledDetector implements Detector {
  readonly kind = 'mislabeled-rows' as const;
  private readonly t: typeof MISLABELED_DEFAULTS;
  /** Per epoch: each row's margin, and the share of rows with a positive one (eval-mode training accuracy). */
  private readonly margins: Float32Array[] = [];
  private readonly agreement: number[] = [];
  private rows = -1;
  private logitSum: Float64Array | null = null;
  private labels: Int32Array | null = null;
  private output: SplitOutputs['output'] = 'softmax';
  private classes = 0;
  private lastEpoch = 0;
  private suspects: SuspectedMislabeled[] = [];
  /** Whether finish() had the outputs to judge the rows (see DiagnosticsReport.mislabeledCheck). */
  private ran = false;

  constructor(private readonly env: DetectorEnv) {
    this.t = resolveThresholds('mislabeled-rows', MISLABELED_DEFAULTS, env.ctx.config?.diagnostics);
  }

  onEpoch(event: EpochInput): void {
    this.lastEpoch = event.metrics.epoch;
    const train = this.split === 'validation' ? event.validation : event.train;
    if (!train || train.rows === 0) return;
    if (this.rows !== train.rows) {
      this.rows = train.rows;
      this.margins.length = 0;
      this.agreement.length = 0;
      this.logitSum = new Float64Array(train.rows * train.classes);
      this.labels = Int32Array.from(train.labels);
      this.output = train.output;
      this.classes = train.classes;
    }
    for (let i = 0; i < train.logits.length; i++) if (!Number.isFinite(train.logits[i]!)) return;
    const { rows, logits, labels, classes } = train;
    const margin = new Float32Array(rows);
    const ls = this.logitSum!;
    if (train.output === 'sigmoid') {
      for (let i = 0; i < rows; i++) {
        const z = logits[i]!;
        margin[i] = labels[i] === 1 ? z : -z;
        ls[2 * i + 1]! += z;
      }
    } else {
      for (let i = 0; i < rows; i++) {
        const y = labels[i]!;
        let other = -Infinity;
        for (let k = 0; k < classes; k++) {
          const z = logits[i * classes + k]!;
          ls[i * classes + k]! += z;
          if (k !== y && z > other) other = z;
        }
        margin[i] = logits[i * classes + y]! - other;
      }
    }
    let agree = 0;
    for (let i = 0; i < rows; i++) if (margin[i]! > 0) agree++;
    this.margins.push(margin);
    this.agreement.push(agree / rows);
  }

  /**
   * The epochs the AUM averages: from the first epoch whose training-set agreement has covered
   * `burnIn` of the way from its first value to its best. Before that the network has not learned
   * the easy structure yet and almost every row has a negative margin, which drowns the signal of a
   * short run (Pleiss et al. train for 100+ epochs, where those epochs weigh little).
   */
  private firstCountedEpoch(): number {
    const a = this.agreement;
    const best = Math.max(...a);
    const threshold = a[0]! + this.t.burnIn * (best - a[0]!);
    const start = a.findIndex((x) => x >= threshold);
    return a.length - start >= 2 ? start : 0;
  }

  /** Whether the model learned enough for margins to mean anything (see `minLearnedShare`). */
  private learnedEnough(): boolean {
    const counts = new Map<number, number>();
    for (const y of this.labels!) counts.set(y, (counts.get(y) ?? 0) + 1);
    const majority = Math.max(...counts.values()) / this.rows;
    return Math.max(...this.agreement) >= majority + this.t.minLearnedShare * (1 - majority);
  }

  /** The split whose rows are judged. */
  get split(): 'train' | 'validation' {
    return this.env.ctx.rowOutputs ?? 'train';
  }

  /** What the check judged, and whether it could (at finish). */
  check(): { readonly rows: 'train' | 'validation'; readonly checked: boolean } {
    return { rows: this.split, checked: this.ran };
  }

  finish(): void {
    if (this.margins.length < this.t.minEpochs || !this.learnedEnough()) return;
    this.ran = true;
    const names = this.env.ctx.classes;
    const name = (k: number) => names?.[k] ?? String(k);
    const out: SuspectedMislabeled[] = [];
    const from = this.firstCountedEpoch();
    const counted = this.margins.length - from;
    const { aums, limit, typical } = this.suspectLimit(from, this.margins.length);
    const prefixEnd = from + Math.max(1, Math.round(this.t.stablePrefix * counted));
    const prefix = prefixEnd < this.margins.length ? this.suspectLimit(from, prefixEnd) : null;
    const earlier = prefix ? new Set(prefix.aums.flatMap((a, i) => (a < prefix.limit ? [i] : []))) : null;
    const now = new Set(aums.flatMap((a, i) => (a < limit ? [i] : [])));
    for (let i = 0; i < aums.length; i++) {
      const aum = aums[i]!;
      if (!(aum < limit) || (earlier && !earlier.has(i))) continue;
      const y = this.labels![i]!;
      let suggested = y === 0 ? 1 : 0;
      if (this.output === 'softmax') {
        for (let k = 0; k < this.classes; k++) if (k !== y && this.logitSum![i * this.classes + k]! > this.logitSum![i * this.classes + suggested]!) suggested = k;
      }
      out.push({ row: i, label: name(y), suggested: name(suggested), score: -aum });
    }
    out.sort((a, b) => b.score - a.score || a.row - b.row);
    this.suspects = out;
    if (out.length === 0) return;
    const shown = out.slice(0, Math.max(1, Math.round(this.t.rowsInMessage)));
    const rows = this.labels!.length;
    const held = this.split === 'validation';
    const what = held ? 'rows of the predictions files' : 'training rows';
    this.env.raise({
      kind: 'mislabeled-rows',
      severity: 'info',
      epoch: this.lastEpoch,
      message:
        `${out.length} of ${rows} ${what} look mislabeled: over ${counted} epochs the model kept preferring another class to the given label ` +
        `(area under the margin below ${fmt(limit)}, Pleiss et al. 2020). Most suspicious: ` +
        shown.map((s) => `row ${s.row} ("${s.label}", looks like "${s.suggested}")`).join(', ') +
        `.${earlier ? ` Stability of the ranking: ${earlier.size} suspects before the last ${this.margins.length - prefixEnd} epochs, ${now.size} over all (${fmt(100 * jaccard(earlier, now), 2)}% the same rows); only rows in both are named.` : ''} Rows are 0-based in the ${held ? "predictions file's order" : 'training set'}. Check them against the source: relabel or drop the wrong ones. Some may simply be hard or ambiguous examples.`,
      evidence: {
        onsetEpoch: 1,
        suspects: out.length,
        trainRows: rows,
        rowsOf: held ? 'validation' : 'train',
        epochs: counted,
        firstCountedEpoch: from + 1,
        method: `area under the margin (Pleiss et al. 2020), a suspect over the first ${fmt(100 * this.t.stablePrefix, 2)}% of the epochs too`,
        aumThreshold: limit,
        typicalAum: typical,
        ...(earlier ? { suspectsBeforeLastEpochs: earlier.size, suspectsOverAllEpochs: now.size, rankingStability: jaccard(earlier, now) } : {}),
      },
    });
  }

  /**
   * Each row's AUM over epochs [from, to) and the suspect limit: below `maxAum` and below
   * -`relativeMargin` × the median positive AUM.
   */
  private suspectLimit(from: number, to: number): { readonly aums: number[]; readonly limit: number; readonly typical: number } {
    const aums = new Array<number>(this.rows).fill(0);
    for (let e = from; e < to; e++) for (let i = 0; i < this.rows; i++) aums[i]! += this.margins[e]![i]! / (to - from);
    const typical = median(aums.filter((a) => a > 0));
    const limit = Math.min(this.t.maxAum, Number.isFinite(typical) ? -this.t.relativeMargin * typical : this.t.maxAum);
    return { aums, limit, typical };
  }

  /** Every suspect, most suspicious first (empty before `finish`). */
  suspected(): readonly SuspectedMislabeled[] {
    return this.suspects;
  }
}

function jaccard(a: ReadonlySet<number>, b: ReadonlySet<number>): number {
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  const union = a.size + b.size - both;
  return union === 0 ? 1 : both / union;
}
