/**
 * One lead diagnosis. Several flags often share one cause: an overfitting network grows
 * overconfident (miscalibration) and its climbing validation loss wiggles late in the run
 * (oscillation); an explosion kills the ReLU units (dead network). Then the cause LEADS: each flag
 * it explains keeps its own evidence but gains `evidence.ledBy` (the lead's kind) and
 * `evidence.leadReason`, its message says so, and its first fix becomes the lead's first fix, so
 * every flag of the group offers the same first step. The lead gains `evidence.leads` (the kinds it
 * explains). Plain data on the flag, so diagnostics.json, the CLI and the editor all read it.
 */
import { flagTitle, type Flag, type FlagKind } from '../model';

export interface LeadRule {
  readonly lead: FlagKind;
  readonly led: FlagKind;
  /** Why the lead explains it, for the message. */
  readonly reason: string;
  /** Whether this pair of flags is that case. */
  readonly applies: (lead: Flag, led: Flag) => boolean;
}

const onset = (f: Flag): number => (typeof f.evidence['onsetEpoch'] === 'number' ? f.evidence['onsetEpoch'] : f.epoch);

/** The known causes, first match wins (a flag has at most one lead). */
export const LEAD_RULES: readonly LeadRule[] = [
  {
    lead: 'exploding-loss',
    led: 'dead-network',
    reason: 'the explosion drove the ReLU units to where they never activate again',
    applies: (lead, led) => lead.severity === 'error' && onset(led) >= onset(lead),
  },
  {
    lead: 'exploding-loss',
    led: 'dead-units',
    reason: 'the explosion drove these ReLU units to where they never activate again',
    applies: (lead, led) => onset(led) >= onset(lead),
  },
  {
    lead: 'overfitting',
    led: 'miscalibration',
    // Guo et al. 2017 (Fig. 3): NLL overfitting comes with overconfidence.
    reason: 'an overfitting network grows overconfident as its validation loss climbs (Guo et al. 2017)',
    applies: (_lead, led) => led.evidence['direction'] === 'overconfident',
  },
  {
    lead: 'overfitting',
    led: 'oscillation',
    reason: 'the validation loss wiggles as it climbs while the network memorizes the training rows',
    applies: (lead, led) => led.evidence['curve'] !== 'training' && led.epoch >= onset(lead),
  },
];

/** A lead must itself be a problem (warning or error, not resolved). */
function canLead(flag: Flag): boolean {
  return flag.severity !== 'info' && flag.evidence['resolved'] !== true;
}

/** The lead of each flag that has one, by the led flag's kind. */
export function findLeads(flags: readonly Flag[], rules: readonly LeadRule[] = LEAD_RULES): Map<FlagKind, { readonly lead: Flag; readonly rule: LeadRule }> {
  const byKind = new Map(flags.map((f) => [f.kind, f]));
  const out = new Map<FlagKind, { lead: Flag; rule: LeadRule }>();
  for (const rule of rules) {
    const lead = byKind.get(rule.lead);
    const led = byKind.get(rule.led);
    if (!lead || !led || out.has(led.kind) || out.has(lead.kind) || !canLead(lead) || !rule.applies(lead, led)) continue;
    out.set(led.kind, { lead, rule });
  }
  return out;
}

/** `flag` as its lead explains it (see the file comment). */
export function ledFlag(flag: Flag, lead: Flag, rule: LeadRule): Flag {
  const first = lead.fix?.[0];
  const own = (flag.fix ?? []).filter((f) => f.title !== first?.title);
  return {
    ...flag,
    message: `Follows from ${flagTitle(lead.kind).toLowerCase()} (see that flag${first ? `; fix that first: ${first.title}` : ''}): ${rule.reason}. ${flag.message}`,
    evidence: { ...flag.evidence, ledBy: lead.kind, leadReason: rule.reason },
    ...(first || own.length ? { fix: first ? [first, ...own] : own } : {}),
  };
}

/** The flags with the lead diagnosis applied: led flags annotated, each lead listing what it explains. */
export function withLeads(flags: readonly Flag[]): Flag[] {
  const leads = findLeads(flags);
  const explains = new Map<FlagKind, FlagKind[]>();
  for (const [led, { lead }] of leads) explains.set(lead.kind, [...(explains.get(lead.kind) ?? []), led]);
  return flags.map((f) => {
    const l = leads.get(f.kind);
    if (l) return ledFlag(f, l.lead, l.rule);
    const led = explains.get(f.kind);
    return led ? { ...f, evidence: { ...f.evidence, leads: led } } : f;
  });
}
