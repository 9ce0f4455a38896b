/**
 * The flag strip: one line per flag of the shown run (severity and a headline such as "Overfitting:
 * val loss +21% since epoch 4 while train loss fell"), which expands in place to the title, when it
 * was raised (and since when the evidence says the problem began), the full message, the evidence
 * and each fix as two buttons: "<action> and train again" (the primary one for the best fix) and
 * "Only edit the config"; both ask the host to apply the config edit (`fix/apply`) and show the file. The strip sits below the loss chart (beside it on wide panels),
 * so a flag arriving never moves the chart.
 */
import type { Flag, WebviewToHost } from '../../src/protocol/webview';
import { badge, button } from '../components';
import { SEVERITY_LABEL, fixAction, flagHeadline, flagTitle, severityRank } from './flagTitles';
import { formatEvidence, humanizeKey } from './format';
import type { RunModel } from './store';

export class FlagsPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly count: HTMLElement;
  private readonly heading: HTMLHeadingElement;
  private renderedKey = '';
  /** Flags the user expanded (run id + index), kept open across rebuilds. */
  private readonly expanded = new Set<string>();

  constructor(private readonly post: (message: WebviewToHost) => void) {
    this.element = document.createElement('section');
    this.element.className = 'll-card ll-flags';
    this.element.setAttribute('aria-labelledby', 'll-title-flags');
    const heading = (this.heading = document.createElement('h2'));
    heading.id = 'll-title-flags';
    this.count = document.createElement('span');
    this.count.className = 'll-muted ll-count';
    this.list = document.createElement('ul');
    this.list.className = 'll-flag-list';
    this.list.setAttribute('aria-live', 'polite');
    this.element.append(heading, this.list);
  }

  /** `runName` is given in a comparison, where the panel shows the first run's flags. */
  update(run: RunModel | undefined, runName?: string): void {
    const flags = run?.flags ?? [];
    // Rebuilding only when the flags change keeps keyboard focus on a fix button across live updates.
    const key = `${run?.id ?? ''}|${run?.state ?? ''}|${runName ?? ''}|${JSON.stringify(flags)}`;
    if (key === this.renderedKey) return;
    this.renderedKey = key;
    this.heading.replaceChildren(runName ? `Flags: ${runName}` : 'Flags', ' ', this.count);
    this.count.textContent = flags.length ? `(${flags.length})` : '';
    this.list.replaceChildren();
    if (!run || flags.length === 0) {
      const li = document.createElement('li');
      li.className = 'll-muted';
      li.textContent = !run ? 'No run.' : run.state === 'running' ? 'Nothing flagged so far.' : 'Nothing flagged: no detector found a problem in this run.';
      this.list.append(li);
      return;
    }
    const order = flags.map((flag, index) => ({ flag, index })).sort((a, b) => severityRank(b.flag.severity) - severityRank(a.flag.severity) || a.flag.epoch - b.flag.epoch);
    for (const { flag, index } of order) this.list.append(this.item(run, flag, index));
  }

  private item(run: RunModel, flag: Flag, flagIndex: number): HTMLElement {
    const li = document.createElement('li');
    li.className = `ll-flag ll-${flag.severity}`;
    li.dataset.kind = flag.kind;
    li.dataset.flagIndex = String(flagIndex);
    const title = flagTitle(flag.kind);
    const key = `${run.id}:${flagIndex}`;
    const bodyId = `ll-flag-body-${flagIndex}`;
    // The headline is a real button: Enter/Space expand it, and screen readers hear its state.
    const toggle = document.createElement('button');
    toggle.type = 'button';
    toggle.className = 'll-flag-headline';
    toggle.dataset.testid = `flag-${flagIndex}`;
    toggle.setAttribute('aria-controls', bodyId);
    const headline = document.createElement('span');
    headline.className = 'll-headline-text';
    headline.textContent = flagHeadline(flag);
    const at = document.createElement('span');
    at.className = 'll-muted ll-headline-epoch';
    at.textContent = `epoch ${flag.epoch}`;
    toggle.append(badge(SEVERITY_LABEL[flag.severity], `ll-severity ll-${flag.severity}`), headline, at);
    const body = document.createElement('div');
    body.className = 'll-flag-body';
    body.id = bodyId;
    const setOpen = (open: boolean): void => {
      toggle.setAttribute('aria-expanded', String(open));
      body.hidden = !open;
      li.classList.toggle('ll-open', open);
      if (open) this.expanded.add(key);
      else this.expanded.delete(key);
    };
    toggle.addEventListener('click', () => setOpen(body.hidden));
    setOpen(this.expanded.has(key));
    li.append(toggle, body);
    this.fillBody(body, run, flag, flagIndex, title);
    return li;
  }

  private fillBody(li: HTMLElement, run: RunModel, flag: Flag, flagIndex: number, title: string): void {
    const head = document.createElement('div');
    head.className = 'll-flag-head';
    const h3 = document.createElement('h3');
    h3.textContent = title;
    const when = document.createElement('span');
    when.className = 'll-muted';
    const onset = typeof flag.evidence.onsetEpoch === 'number' ? flag.evidence.onsetEpoch : undefined;
    when.textContent = whenText(flag, onset);
    head.append(h3, when);
    const message = document.createElement('p');
    message.className = 'll-flag-message';
    message.textContent = flag.message;
    li.append(head, message);
    const entries = Object.entries(flag.evidence);
    if (entries.length) {
      const details = document.createElement('details');
      const summary = document.createElement('summary');
      summary.textContent = 'Evidence';
      const dl = document.createElement('dl');
      dl.className = 'll-evidence';
      for (const [k, v] of entries) {
        const dt = document.createElement('dt');
        dt.textContent = humanizeKey(k);
        const dd = document.createElement('dd');
        dd.textContent = formatEvidence(v);
        dl.append(dt, dd);
      }
      details.append(summary, dl);
      li.append(details);
    }
    const fixes = flag.fix ?? [];
    if (fixes.length && !run.configurable) return li.append(adviceList(fixes, title));
    if (fixes.length) {
      // The best fix is shown; the alternatives wait behind "More fixes" to keep the panel short.
      const actions = document.createElement('div');
      actions.className = 'll-fixes';
      actions.setAttribute('role', 'group');
      actions.setAttribute('aria-label', `Fixes for ${title}`);
      let more: HTMLDetailsElement | undefined;
      if (fixes.length > 1) {
        more = document.createElement('details');
        more.className = 'll-more-fixes';
        const summary = document.createElement('summary');
        summary.textContent = `More fixes (${fixes.length - 1})`;
        more.append(summary);
      }
      fixes.forEach((fix, fixIndex) => {
        const edits = fix.edits.map((e) => `${e.path} = ${JSON.stringify(e.value)}`).join(', ');
        const apply = (retrain: boolean) => () => this.post({ type: 'fix/apply', runId: run.id, flagIndex, fixIndex, retrain });
        const row = document.createElement('div');
        row.className = 'll-fix';
        // The button says what happens: the config is edited (and shown) and a new run starts; the
        // other one only edits. "Train for 9 epochs" on a button that trains nothing misled people.
        const action = fixAction(fix);
        row.append(
          button(`${action} and train again`, apply(true), { appearance: fixIndex === 0 ? 'primary' : 'secondary', title: `${fix.title}: edit the config (${edits}), show it, and start a new run`, ariaLabel: `${title}: ${action}, then train again (edits the config: ${edits})`, testId: `fix-${flagIndex}-${fixIndex}-retrain` }),
          button('Only edit the config', apply(false), { appearance: 'secondary', title: `${fix.title}: edit the config (${edits}) and show it; no new run`, ariaLabel: `${title}: ${action}, only edit the config (${edits})`, testId: `fix-${flagIndex}-${fixIndex}` }),
        );
        const code = document.createElement('code');
        code.className = 'll-muted';
        code.textContent = edits;
        row.append(code);
        (fixIndex === 0 || !more ? actions : more).append(row);
      });
      if (more) actions.append(more);
      li.append(actions);
    }
  }
}

/**
 * A log written by another trainer has no config to edit: its fixes are what to change in that
 * training, as text (the config keys they would edit mean nothing there).
 */
function adviceList(fixes: readonly NonNullable<Flag['fix']>[number][], title: string): HTMLElement {
  const box = document.createElement('div');
  box.className = 'll-advice';
  box.dataset.testid = 'advice';
  const heading = document.createElement('p');
  heading.className = 'll-muted';
  heading.textContent = fixes.length > 1 ? 'What to try in the training (best first):' : 'What to try in the training:';
  const list = document.createElement('ul');
  list.setAttribute('aria-label', `Advice for ${title}`);
  for (const fix of fixes) {
    const item = document.createElement('li');
    item.textContent = fix.title;
    list.append(item);
  }
  box.append(heading, list);
  return box;
}

/**
 * "raised at epoch 3 (step 40), error from epoch 5 (step 70), began at epoch 2": an escalated flag
 * keeps the epoch of its first raise (the detection delay) while its message speaks of the
 * escalation, so both moments are named.
 */
export function whenText(flag: Pick<Flag, 'epoch' | 'step' | 'severity' | 'evidence'>, onset: number | undefined): string {
  const at = (epoch: number, step: unknown): string => `epoch ${epoch}${typeof step === 'number' ? ` (step ${step})` : ''}`;
  const escalated = typeof flag.evidence.escalatedEpoch === 'number' ? `, ${flag.severity} from ${at(flag.evidence.escalatedEpoch, flag.evidence.escalatedStep)}` : '';
  return `raised at ${at(flag.epoch, flag.step)}${escalated}${onset !== undefined ? `, began at epoch ${onset}` : ''}`;
}
