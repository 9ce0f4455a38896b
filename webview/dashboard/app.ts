/**
 * The dashboard: applies host messages to the run store and redraws in animation frames (a live run
 * sends up to ~20 batches a second; several may arrive within one frame), under a per-frame budget.
 */
import type { HostToWebview, RangeTestSnapshot, RunSnapshot, WebviewToHost } from '../../src/protocol/webview';
import { button, checkbox, divider, dropdown, progressRing, slider } from '../components';
import { applyThemeDefaults } from './chartSetup';
import { CalibrationView } from './calibrationView';
import { CompareTable } from './compareTable';
import { FlagsPanel } from './flagsPanel';
import { CurveChart } from './curveChart';
import type { DashboardDebug } from './debugTypes';
import { METRICS } from './metrics';
import { DEFAULT_PREFS, parsePrefs, type Prefs, type Resolution } from './prefs';
import { RangeTestView } from './rangeTestView';
import { MAX_SMOOTHING } from './smoothing';
import { RunStore, type RunModel, type XAxisMode } from './store';
import { observeTheme, readTheme, type Theme } from './theme';
import type { VsCodeApi } from './vscodeApi';

/** What `setState` keeps; `runIds` and `compare` are read by the host's serializer (`parseDashboardState`). */
export interface SavedState {
  readonly version: 1;
  readonly runIds: readonly string[];
  readonly compare: boolean;
  readonly prefs: Prefs;
  readonly runs: readonly RunSnapshot[];
}

/**
 * Chart work per animation frame during live updates: half of a 60 Hz frame (16.7 ms), leaving the
 * rest for the browser's own style, layout and paint.
 */
const FRAME_BUDGET_MS = 8;
const FRAME_HISTORY = 200;

const STATE_LABEL: Readonly<Record<string, string>> = { running: 'Training', completed: 'Finished', stopped: 'Stopped', failed: 'Failed' };

export class Dashboard {
  private readonly store = new RunStore();
  private prefs: Prefs = DEFAULT_PREFS;
  private theme: Theme;
  private readonly charts: CurveChart[];
  private readonly calibration = new CalibrationView();
  private readonly flags = new FlagsPanel((m) => this.post(m));
  private readonly compareTable = new CompareTable();
  private readonly rangeTestView = new RangeTestView((m) => this.post(m));
  /** A learning-rate range test shown above the runs (not saved: the host re-sends it). */
  private rangeTest: RangeTestSnapshot | null = null;
  private readonly header = document.createElement('header');
  private readonly empty = document.createElement('p');
  private readonly content = document.createElement('div');
  private readonly controls: ReturnType<Dashboard['buildControls']>;
  private frame = 0;
  /** Completed renders (every chart up to date). */
  private renders = 0;
  /** The chart the next budgeted frame starts with (round robin, so none starves). */
  private nextChart = 0;
  /** Durations of the latest frames (ms), for the benchmark. */
  private readonly frameTimes: number[] = [];
  private headerKey = '';
  private stateKey = '';

  constructor(
    root: HTMLElement,
    private readonly api: VsCodeApi<SavedState>,
  ) {
    this.theme = readTheme();
    applyThemeDefaults(this.theme);
    const saved = api.getState();
    if (saved && typeof saved === 'object') {
      this.prefs = parsePrefs(saved.prefs);
      try {
        if (saved.version === 1 && Array.isArray(saved.runs)) this.store.load(saved.runs, saved.compare === true);
      } catch (e) {
        // A state from another version: start empty, the host re-sends the runs after the handshake.
        console.warn('Loss Lens dashboard: ignoring saved runs', e);
        this.store.load([], false);
      }
    }
    this.header.className = 'll-header';
    this.empty.className = 'll-empty';
    this.empty.textContent = 'No run to show yet. Train a *.losslens.json file ("Loss Lens: Train") or open a run folder ("Loss Lens: Open Run").';
    this.controls = this.buildControls();
    this.content.className = 'll-content';
    const curves = document.createElement('div');
    curves.className = 'll-curves';
    this.charts = METRICS.map((def) => new CurveChart(def));
    curves.append(...this.charts.map((c) => c.element));
    const side = document.createElement('div');
    side.className = 'll-side';
    side.append(this.flags.element, this.calibration.element);
    this.content.append(curves, side, this.compareTable.element);
    root.replaceChildren(this.header, this.controls.element, divider(), this.rangeTestView.element, this.empty, this.content);
    root.removeAttribute('aria-busy');
    observeTheme(() => {
      this.theme = readTheme();
      applyThemeDefaults(this.theme);
      this.renderNow();
    });
    this.renderNow();
  }

  private buildControls() {
    const bar = document.createElement('div');
    bar.className = 'll-controls';
    bar.setAttribute('role', 'toolbar');
    bar.setAttribute('aria-label', 'Chart options');
    const set = (patch: Partial<Prefs>): void => {
      this.prefs = { ...this.prefs, ...patch };
      this.scheduleRender();
    };
    const resolution = dropdown<Resolution>('Readings', [{ value: 'step', label: 'per step' }, { value: 'epoch', label: 'per epoch' }], this.prefs.resolution, (v) => set({ resolution: v }), 'resolution');
    const xAxis = dropdown<XAxisMode>('X axis', [{ value: 'epoch', label: 'epoch' }, { value: 'step', label: 'step' }, { value: 'time', label: 'training time' }], this.prefs.xAxis, (v) => set({ xAxis: v }), 'x-axis');
    const smoothing = slider('Smoothing', { min: 0, max: MAX_SMOOTHING, step: 0.001 }, this.prefs.smoothing, (v) => v.toFixed(3), (v) => set({ smoothing: v }), 'smoothing');
    const logY = checkbox('Log scale (y)', this.prefs.logY, (v) => set({ logY: v }), 'log-y');
    const logX = checkbox('Log scale (x)', this.prefs.logX, (v) => set({ logX: v }), 'log-x');
    bar.append(resolution.element, xAxis.element, smoothing.element, logY, logX);
    return { element: bar, smoothing };
  }

  /** Applies one host message. */
  handle(message: HostToWebview): void {
    switch (message.type) {
      case 'runs/didLoad':
        this.store.load(message.runs, message.compare);
        break;
      case 'run/didProgress':
        this.store.progress(message.runId, message.steps, message.epochs, message.calibration);
        break;
      case 'run/didFlag':
        this.store.flag(message.runId, message.flag, message.index);
        break;
      case 'run/didChangeState':
        this.store.changeState(message.runId, message.state, message.reason, message.error, message.flags, message.calibration);
        break;
      case 'settings/didChange':
        if (!Number.isFinite(message.smoothing)) return;
        this.prefs = { ...this.prefs, smoothing: Math.min(Math.max(message.smoothing, 0), MAX_SMOOTHING) };
        this.controls.smoothing.set(this.prefs.smoothing);
        break;
      case 'rangeTest/didUpdate':
        this.rangeTest = message.rangeTest;
        break;
      case 'export/render':
        this.renderNow();
        this.post({ type: 'export/didRender', requestId: message.requestId, images: this.images() });
        return;
      default: {
        const unexpected: never = message;
        console.warn('Loss Lens dashboard: unknown message', unexpected);
        return;
      }
    }
    this.scheduleRender();
  }

  post(message: WebviewToHost): void {
    this.api.postMessage(message);
  }

  /**
   * Live updates are drawn in animation frames under a time budget: the cheap parts (header, flags,
   * calibration, state) every frame, then the curve charts one by one until FRAME_BUDGET_MS is
   * spent; charts left over are drawn in the next frame. A batch touching three charts thus costs
   * one to three frames of at most about the budget each, instead of one long frame.
   */
  scheduleRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderFrame();
    });
  }

  private renderFrame(): void {
    const start = performance.now();
    this.renderCheap();
    const shown = this.shownRuns();
    let checked = 0;
    for (; checked < this.charts.length; checked++) {
      if (checked > 0 && performance.now() - start > FRAME_BUDGET_MS) break;
      const chart = this.charts[(this.nextChart + checked) % this.charts.length]!;
      chart.update(shown, this.prefs, this.theme, this.store.compare);
    }
    this.nextChart = (this.nextChart + checked) % this.charts.length;
    this.recordFrame(performance.now() - start);
    if (checked < this.charts.length) this.scheduleRender();
    else this.renders++;
  }

  private recordFrame(ms: number): void {
    this.frameTimes.push(ms);
    if (this.frameTimes.length > FRAME_HISTORY) this.frameTimes.shift();
  }

  private shownRuns(): RunModel[] {
    const runs = this.store.runs;
    return this.store.compare ? runs : runs[0] ? [runs[0]] : [];
  }

  /** Everything but the curve charts; each part skips itself when its inputs did not change. */
  private renderCheap(): void {
    const runs = this.store.runs;
    const primary = runs[0];
    const compare = this.store.compare;
    this.empty.hidden = runs.length > 0 || this.rangeTest !== null;
    this.content.hidden = runs.length === 0;
    this.rangeTestView.update(this.rangeTest, this.theme);
    this.renderHeader();
    const primaryName = compare ? primary?.name : undefined;
    this.calibration.update(primary?.calibration ?? null, this.theme, primaryName);
    this.flags.update(primary, primaryName);
    this.compareTable.element.hidden = !compare;
    if (compare) this.compareTable.update(runs, this.theme);
    // The saved state leaves per-step readings out, so it only changes with epochs, flags, state or
    // prefs: identical writes (each one a message to the editor process) are skipped.
    const stateKey = JSON.stringify([this.store.loads, compare, this.prefs, runs.map((r) => [r.id, r.revision, r.epochs.length])]);
    if (stateKey !== this.stateKey) {
      this.stateKey = stateKey;
      this.api.setState({ version: 1, runIds: runs.map((r) => r.id), compare, prefs: this.prefs, runs: this.store.snapshots() });
    }
  }

  /** Draws everything now, whatever the budget (export, theme change, tests), and saves state. */
  renderNow(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    const start = performance.now();
    this.renderCheap();
    const shown = this.shownRuns();
    for (const chart of this.charts) chart.update(shown, this.prefs, this.theme, this.store.compare);
    this.recordFrame(performance.now() - start);
    this.renders++;
  }

  private renderHeader(): void {
    const runs = this.store.runs;
    const primary = runs[0];
    // Rebuilt only when what it shows changes: per-step batches must not re-create its buttons.
    const key = JSON.stringify([this.store.compare, runs.map((r) => [r.id, r.name, r.state, r.reason, r.error, r.epochs.length, r.epochsPlanned])]);
    if (key === this.headerKey) return;
    this.headerKey = key;
    this.header.replaceChildren();
    if (!primary) return;
    const title = document.createElement('h1');
    title.textContent = this.store.compare ? `Comparing ${runs.length} runs` : primary.name;
    const status = document.createElement('p');
    status.className = 'll-status';
    status.setAttribute('role', 'status');
    const last = primary.epochs[primary.epochs.length - 1];
    if (this.store.compare) {
      status.textContent = runs.map((r) => r.name).join(' · ');
    } else {
      const stateText = STATE_LABEL[primary.state] ?? primary.state;
      const reason = primary.reason && primary.reason !== 'completed' ? ` (${primary.reason.replace('-', ' ')})` : '';
      status.textContent = `${stateText}${reason} · epoch ${last?.epoch ?? 0} of ${primary.epochsPlanned}${primary.error ? ` · ${primary.error}` : ''}`;
      if (primary.state === 'running') status.prepend(progressRing('Training in progress'), ' ');
    }
    const actions = document.createElement('div');
    actions.className = 'll-actions';
    if (!this.store.compare) {
      if (primary.state === 'running') actions.append(button('Stop', () => this.post({ type: 'run/stop', runId: primary.id }), { appearance: 'secondary', ariaLabel: `Stop training ${primary.name}`, testId: 'stop' }));
      actions.append(button('Open config', () => this.post({ type: 'config/open', runId: primary.id }), { appearance: 'secondary', ariaLabel: `Open the config of ${primary.name}`, testId: 'open-config' }));
    }
    this.header.append(title, status, actions);
  }

  images(): { name: string; pngDataUrl: string }[] {
    return [...this.charts.map((c) => ({ name: c.def.id, pngDataUrl: c.toPng() })), ...this.calibration.images()];
  }

  /** Read-only view for tests and the benchmark. */
  debug(): DashboardDebug {
    return {
      charts: () => this.charts.map((c) => c.summary()),
      calibration: () => this.calibration.summary(),
      rangeTest: () => this.rangeTestView.summary(),
      prefs: () => ({ ...this.prefs }),
      renders: () => this.renders,
      themeKind: () => this.theme.kind,
      runCount: () => this.store.runs.length,
      stepCount: () => this.store.runs[0]?.steps.length ?? 0,
      flush: () => this.renderNow(),
      takeFrameTimes: () => this.frameTimes.splice(0),
      pending: () => this.frame !== 0,
    };
  }
}
