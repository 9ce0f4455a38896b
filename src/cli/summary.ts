/** The readable diagnostics summary printed after a run (or by `diagnose`). */
import { type DiagnosticsReport, type Flag, flagTitle, severityRank } from '../model';
import { MISLABELED_DEFAULTS } from '../diagnostics/mislabeled';
import { temperatureAtSearchBound } from '../diagnostics/temperature';
import { quote } from '../text/quote';

const SEVERITY_LABEL: Record<string, string> = { error: 'ERROR  ', warning: 'WARNING', info: 'INFO   ' };
const INDENT = '          ';

function formatValue(v: unknown): string {
  return typeof v === 'number' ? String(Number(v.toPrecision(4))) : JSON.stringify(v);
}

/** `indent` shifts a flag that follows from a lead under it (see src/diagnostics/leads.ts). */
export function formatFlag(flag: Flag, indent = ''): string {
  const at = (epoch: number, step: unknown): string => (typeof step === 'number' ? `epoch ${epoch}, step ${step}` : `epoch ${epoch}`);
  // An escalated flag keeps its first raise; its message speaks of the escalation, so name both.
  const escalated = typeof flag.evidence.escalatedEpoch === 'number' ? `; ${flag.severity} from ${at(flag.evidence.escalatedEpoch, flag.evidence.escalatedStep)}` : '';
  const when = `${at(flag.epoch, flag.step)}${escalated}`;
  const lines = [`${indent ? `${indent}> ` : '  '}${SEVERITY_LABEL[flag.severity] ?? flag.severity} ${flagTitle(flag.kind)} (${when}): ${flag.message}`];
  for (const fix of flag.fix ?? []) {
    const edits = fix.edits.map((e) => `${e.path} = ${formatValue(e.value)}`).join(', ');
    lines.push(`${indent}${INDENT}fix: ${fix.title}${edits ? ` [${edits}]` : ''}`);
  }
  const leads = flag.evidence['leads'];
  if (Array.isArray(leads) && leads.length) lines.push(`${INDENT}leads: ${leads.map((k) => flagTitle(String(k))).join(', ')} (they follow from it: fix this first)`);
  return lines.join('\n');
}

const fmt = (v: number | undefined, digits = 3): string => (v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits));

/**
 * A fitted T at the edge of the search range is no estimate: on a validation set the model
 * separates perfectly the NLL keeps falling as T -> 0, and there is nothing to calibrate against.
 */
const BOUND_NOTE = ' (T is at the edge of its search range: the validation set is too small or too cleanly separated to fit it; do not apply it)';

export function formatDiagnostics(report: DiagnosticsReport): string {
  const out: string[] = [];
  const flags = [...report.flags].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.epoch - b.epoch);
  const ledBy = (f: Flag) => (typeof f.evidence['ledBy'] === 'string' && flags.some((l) => l.kind === f.evidence['ledBy']) ? f.evidence['ledBy'] : null);
  out.push(flags.length ? `Diagnostics: ${flags.length} flag${flags.length === 1 ? '' : 's'}` : 'Diagnostics: no problems found');
  // A lead diagnosis first, the flags it explains right under it.
  for (const flag of flags.filter((f) => ledBy(f) === null)) {
    out.push(formatFlag(flag));
    for (const led of flags.filter((f) => ledBy(f) === flag.kind).sort((a, b) => a.epoch - b.epoch)) out.push(formatFlag(led, '    '));
  }
  const c = report.calibration;
  if (c) {
    out.push(
      `Calibration (validation): ECE ${fmt(c.ece)}, MCE ${fmt(c.mce)}, Brier ${fmt(c.brier)}; ` +
        `temperature scaling T = ${fmt(c.temperature, 2)} would give ECE ${fmt(c.eceAfterTemperature)}${c.temperatureAtBound ?? temperatureAtSearchBound(c.temperature) ? BOUND_NOTE : ''}`,
    );
  }
  const suspects = report.suspectedMislabeled;
  const check = report.mislabeledCheck;
  const rows = check?.rows === 'validation' ? 'rows (predictions files)' : 'training rows';
  if (suspects.length) {
    const top = suspects.slice(0, 3).map((s) => `row ${s.row} ${quote(s.label)} -> ${quote(s.suggested)} (${fmt(s.score, 2)})`);
    out.push(`Suspected mislabeled ${rows}: ${suspects.length} (most suspicious: ${top.join('; ')})`);
  } else if (check && !check.checked) {
    out.push(
      check.rows === 'validation'
        ? `Suspected mislabeled rows: not checked (needs the model's probabilities on the same rows over ${MISLABELED_DEFAULTS.minEpochs}+ epochs: predictions-epoch<N>.csv beside the log, docs/logs.md)`
        : 'Suspected mislabeled training rows: not checked (too few epochs, or the model learned too little for its margins to mean anything)',
    );
  } else {
    out.push(`Suspected mislabeled ${rows}: none`);
  }
  return out.join('\n');
}
