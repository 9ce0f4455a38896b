/**
 * A flag in one line ("Overfitting: val loss +21% since epoch 4 while train loss fell"): the kind's
 * name and the one figure that matters, read from the evidence the detectors record
 * (src/diagnostics); the full message stays behind it. The dashboard's flag strip, the Problems
 * panel and the sidebar all show this line, so a flag reads the same everywhere. A kind or evidence
 * this does not know falls back to the message's first clause.
 */
import { type Flag, flagTitle } from './flags';
import { formatNumber, formatPercent } from './numberFormat';

/** Headlines longer than this are cut at a word boundary (the strip shows one line). */
export const MAX_HEADLINE = 96;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function signedPercent(ratio: number): string {
  const p = Math.round(ratio * 100);
  return `${p >= 0 ? '+' : '−'}${Math.abs(p)}%`;
}

/** What each kind's headline says, from its evidence; undefined when the evidence lacks the figures. */
function summary(flag: Flag): string | undefined {
  const e = flag.evidence;
  switch (flag.kind) {
    case 'overfitting': {
      const best = num(e.bestValLoss) ?? num(e.valLossMinimum);
      const now = num(e.currentValLoss) ?? num(e.valLossNow);
      const onset = num(e.onsetEpoch) ?? num(e.bestEpoch);
      if (best === undefined || now === undefined || onset === undefined || best <= 0) return undefined;
      return `val loss ${signedPercent(now / best - 1)} since epoch ${onset} while train loss fell`;
    }
    case 'miscalibration': {
      const confidence = num(e.meanConfidence);
      const accuracy = num(e.accuracy);
      const ece = num(e.ece);
      if (confidence === undefined || accuracy === undefined) return ece === undefined ? undefined : `ECE ${formatNumber(ece, 2)}`;
      const direction = typeof e.direction === 'string' ? e.direction : confidence > accuracy ? 'overconfident' : 'underconfident';
      return `${direction}, ${formatPercent(confidence)} confident but ${formatPercent(accuracy)} right`;
    }
    case 'exploding-loss': {
      const step = num(e.firstNonFiniteStep) ?? flag.step;
      return step !== undefined ? `loss blew up at step ${step} (epoch ${flag.epoch})` : undefined;
    }
    case 'mislabeled-rows': {
      const suspects = num(e.suspects);
      const rows = num(e.trainRows);
      return suspects !== undefined ? `${suspects}${rows !== undefined ? ` of ${rows}` : ''} training rows look mislabeled` : undefined;
    }
    case 'dead-units': {
      const fraction = num(e.deadFraction);
      const layer = num(e.layer);
      return fraction !== undefined ? `${formatPercent(fraction)} of ${layer !== undefined ? `layer ${layer}'s` : 'the'} units never fire` : undefined;
    }
    case 'dead-network': {
      const fraction = num(e.deadFraction);
      return fraction !== undefined ? `${formatPercent(fraction)} of units dead; the loss stopped falling` : undefined;
    }
    case 'plateau': {
      const improvement = num(e.relativeImprovement);
      return improvement !== undefined ? `train loss improved only ${formatPercent(improvement)} since the start` : undefined;
    }
    case 'oscillation': {
      const rises = num(e.rises);
      const window = num(e.window);
      const curve = typeof e.curve === 'string' ? e.curve : 'loss';
      return rises !== undefined && window !== undefined ? `${curve} loss rose in ${rises} of the last ${window} epochs` : undefined;
    }
    case 'class-imbalance': {
      const ratio = num(e.ratio);
      return ratio !== undefined ? `largest class ${formatNumber(ratio, 2)}× the smallest` : undefined;
    }
    default:
      return undefined;
  }
}

/** The message's first clause, for kinds without a summary. */
function firstClause(message: string): string {
  const m = /^(.+?[.;:])(\s|$)/.exec(message);
  return (m ? m[1]! : message).replace(/[.;:]$/, '');
}

function cut(text: string): string {
  if (text.length <= MAX_HEADLINE) return text;
  const at = text.lastIndexOf(' ', MAX_HEADLINE - 1);
  return `${text.slice(0, at > 40 ? at : MAX_HEADLINE - 1)}…`;
}

/** The flag's headline, at most MAX_HEADLINE characters. */
export function flagHeadline(flag: Flag): string {
  const title = flagTitle(flag.kind);
  const what = summary(flag) ?? firstClause(flag.message);
  return cut(`${title}: ${what}`);
}
