/**
 * The dashboard: applies host messages to the run store and redraws in animation frames (a live run
 * sends up to ~20 batches a second; several may arrive within one frame), under a per-frame budget.
 *
 * Layout, curves first at every width: a sticky bar (run name, state, epoch and the latest losses;
 * the chart options; in a comparison the runs' legend), then the loss chart, then the flag strip and
 * calibration (beside the charts on a wide panel, right below the loss chart in a narrow column),
 * then the other charts. Nothing above the loss chart grows when a flag arrives.
 */
import { MAX_EXPORT_IMAGES, runStateWord, type ExportStyle, type HostToWebview, type RangeTestSnapshot, type RunSnapshot, type WebviewToHost } from '../../src/protocol/webview';
import { exportTheme, titledPng } from './exportImage';
import { badge, button, checkbox, dropdown, progressRing, slider } from '../components';
import { applyThemeDefaults } from './chartSetup';
import { calibrationMissing, CalibrationView } from './calibrationView';
import { CompareView } from './compareView';
import { setHidden } from './dataTable';
import { FlagsPanel } from './flagsPanel';
import { CurveChart } from './curveChart';
import type { DashboardDebug } from './debugTypes';
import { formatNumber, toNumber } from './format';
import { extraMetrics, METRICS, type MetricDef } from './metrics';
import { DEFAULT_PREFS, parsePrefs, type Prefs, type Resolution } from './prefs';
import { RangeTestView } from './rangeTestView';
import { runStyles, type RunStyle } from './runIdentity';
import { MAX_SMOOTHING } from './smoothing';
import { RunStore, type RunModel, type XAxisMode } from './store';
import { observeTheme, publishThemeColors, readTheme, type Theme } from './theme';
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


export class Dashboard {
  private readonly store = new RunStore();
  private prefs: Prefs = DEFAULT_PREFS;
  private theme: Theme;
  /** The four charts every run has, then the added ones. */
  private charts: CurveChart[];
  private readonly calibration = new CalibrationView();
  private readonly flags = new FlagsPanel((m) => this.post(m));
  private readonly compareView = new CompareView(
    (id) => this.toggleRun(id),
    () => this.scheduleRender(),
  );
  private readonly rangeTestView = new RangeTestView((m) => this.post(m));
  /** A learning-rate range test shown beside the runs (not saved: the host re-sends it). */
  private rangeTest: RangeTestSnapshot | null = null;
  private readonly top = document.createElement('div');
  private readonly header = document.createElement('header');
  private readonly headerMain = document.createElement('div');
  private readonly live = document.createElement('p');
  private readonly empty = document.createElement('p');
  private readonly content = document.createElement('div');
  private readonly otherCurves = document.createElement('div');
  private readonly detailPicker = document.createElement('div');
  private readonly controls: ReturnType<Dashboard['buildControls']>;
  /** Runs hidden from the charts in a comparison (by the legend). */
  private readonly hiddenRuns = new Set<string>();
  /** The run whose flags and calibration a comparison shows. */
  private detailRunId: string | undefined;
  private styles: Map<string, RunStyle> = new Map();
  private stylesKey = '';
  private frame = 0;
  /** Completed renders (every chart up to date). */
  private renders = 0;
  /** The chart the next budgeted frame starts with (round robin, so none starves). */
  private nextChart = 0;
  /** Durations of the latest frames (ms), for the benchmark. */
  private readonly frameTimes: number[] = [];
  private headerKey = '';
  private liveText = '';
  private stateKey = '';
  private pickerKey = '';
  private extrasKey = '';

  constructor(
    root: HTMLElement,
    private readonly api: VsCodeApi<SavedState>,
  ) {
    this.theme = readTheme();
    applyThemeDefaults(this.theme);
    publishThemeColors(this.theme);
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
    this.top.className = 'll-top';
    this.header.className = 'll-header';
    this.headerMain.className = 'll-header-main';
    this.live.className = 'll-live';
    this.live.setAttribute('role', 'status');
    this.live.dataset.testid = 'live';
    this.header.append(this.headerMain, this.live);
    this.empty.className = 'll-empty';
    this.empty.textContent = 'No run to show yet. Train a *.losslens.json file ("Loss Lens: Train") or open a run folder ("Loss Lens: Open Log or Run Folder...").';
    this.controls = this.buildControls();
    this.top.append(this.header, this.controls.element, this.compareView.legend);
    this.content.className = 'll-content';
    this.charts = METRICS.map((def) => this.newChart(def));
    const main = document.createElement('div');
    main.className = 'll-main';
    this.otherCurves.className = 'll-curves';
    this.otherCurves.append(...this.charts.slice(1).map((c) => c.element));
    main.append(this.charts[0]!.element, this.otherCurves);
    const side = document.createElement('div');
    side.className = 'll-side';
    this.detailPicker.className = 'll-detail-picker';
    side.append(this.detailPicker, this.flags.element, this.rangeTestView.element, this.calibration.element);
    this.content.append(main, side, this.compareView.element);
    root.replaceChildren(this.top, this.empty, this.content);
    root.removeAttribute('aria-busy');
    observeTheme(() => {
      this.theme = readTheme();
      applyThemeDefaults(this.theme);
      publishThemeColors(this.theme);
      this.stylesKey = '';
      this.renderNow();
    });
    this.renderNow();
  }

  private newChart(def: MetricDef): CurveChart {
    const chart = new CurveChart(def, () => this.scheduleRender(), {
      onLogChange: (log) => {
        const others = this.prefs.logCharts.filter((id) => id !== def.id);
        this.prefs = { ...this.prefs, logCharts: log ? [...others, def.id] : others };
      },
      ...(def.extra ? { onRemove: () => this.removeChart(def.id) } : {}),
    });
    chart.setLogFromPrefs(this.prefs.logCharts.includes(def.id));
    return chart;
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
    const xAxis = dropdown<XAxisMode>(
      'X axis',
      [
        { value: 'epoch', label: 'epoch' },
        { value: 'step', label: 'step' },
        { value: 'time', label: 'compute time' },
        { value: 'wall', label: 'wall-clock time' },
        { value: 'fraction', label: 'fraction of run' },
      ],
      this.prefs.xAxis,
      (v) => set({ xAxis: v }),
      'x-axis',
    );
    const smoothing = slider('Smoothing', { min: 0, max: MAX_SMOOTHING, step: 0.001 }, this.prefs.smoothing, (v) => v.toFixed(3), (v) => set({ smoothing: v }), 'smoothing');
    const outliers = checkbox('Ignore outliers', this.prefs.ignoreOutliers, (v) => set({ ignoreOutliers: v }), 'ignore-outliers');
    outliers.title = 'Fit each y axis to the 5th–95th percentile of its readings (as TensorBoard does)';
    const logX = checkbox('Log x', this.prefs.logX, (v) => set({ logX: v }), 'log-x');
    const add = document.createElement('div');
    add.className = 'll-add-chart';
    bar.append(resolution.element, xAxis.element, smoothing.element, outliers, logX, add);
    return { element: bar, smoothing, add };
  }

  /** The "Add chart" list: every other quantity the shown runs logged, not already charted. */
  private renderAddChart(available: readonly MetricDef[]): void {
    const offered = available.filter((d) => !this.prefs.extraCharts.includes(d.id));
    const key = JSON.stringify(offered.map((d) => d.id));
    if (key === this.extrasKey) return;
    this.extrasKey = key;
    this.controls.add.replaceChildren();
    if (!offered.length) return;
    const field = dropdown('Add chart', [{ value: '', label: 'choose…' }, ...offered.map((d) => ({ value: d.id, label: d.title }))], '', (id) => {
      if (!id) return;
      this.prefs = { ...this.prefs, extraCharts: [...this.prefs.extraCharts, id] };
      this.scheduleRender();
    }, 'add-chart');
    this.controls.add.append(field.element);
  }

  /** Creates the added charts that the prefs name and the runs have, removes the rest. */
  private syncExtraCharts(): void {
    const available = extraMetrics(this.store.runs);
    this.renderAddChart(available);
    const wanted = this.prefs.extraCharts.map((id) => available.find((d) => d.id === id)).filter((d): d is MetricDef => d !== undefined);
    const builtin = this.charts.filter((c) => !c.def.extra);
    const extras = this.charts.filter((c) => c.def.extra);
    for (const c of extras) if (!wanted.some((d) => d.id === c.def.id)) c.destroy();
    const kept = wanted.map((d) => extras.find((c) => c.def.id === d.id) ?? this.newChart(d));
    for (const c of kept) if (!c.element.isConnected) this.otherCurves.append(c.element);
    this.charts = [...builtin, ...kept];
  }

  private removeChart(id: string): void {
    this.prefs = { ...this.prefs, extraCharts: this.prefs.extraCharts.filter((x) => x !== id) };
    this.scheduleRender();
  }

  private toggleRun(id: string): void {
    if (this.hiddenRuns.has(id)) this.hiddenRuns.delete(id);
    else if (this.store.runs.length - this.hiddenRuns.size > 1) this.hiddenRuns.add(id);
    this.scheduleRender();
  }

  /** Applies one host message. */
  handle(message: HostToWebview): void {
    switch (message.type) {
      case 'runs/didLoad':
        this.store.load(message.runs, message.compare);
        break;
      case 'run/didProgress':
        this.store.progress(message.runId, message.steps, message.epochs, message.calibration, message.scalars);
        break;
      case 'run/didFlag':
        this.store.flag(message.runId, message.flag, message.index);
        break;
      case 'run/didChangeState':
        this.store.changeState(message.runId, message.state, message.reason, message.error, message.flags, message.calibration, message.eceByEpoch);
        break;
      case 'settings/didChange':
        if (!Number.isFinite(message.smoothing)) return;
        this.prefs = { ...this.prefs, smoothing: Math.min(Math.max(message.smoothing, 0), MAX_SMOOTHING) };
        this.controls.smoothing.set(this.prefs.smoothing);
        break;
      case 'rangeTest/didUpdate':
        this.rangeTest = message.rangeTest;
        break;
      case 'export/render': {
        const { requestId } = message;
        void this.exportImages(message.style).then((images) => this.post({ type: 'export/didRender', requestId, images }));
        return;
      }
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
    const charts = this.charts;
    for (; checked < charts.length; checked++) {
      if (checked > 0 && performance.now() - start > FRAME_BUDGET_MS) break;
      const chart = charts[(this.nextChart + checked) % charts.length]!;
      // A pass over a million readings (smoothing changed) takes this frame; the chart draws in the next.
      if (chart.prepare(shown, this.prefs)) break;
      chart.update(shown, this.prefs, this.theme, this.store.compare, this.styles);
    }
    this.nextChart = (this.nextChart + checked) % charts.length;
    this.recordFrame(performance.now() - start);
    if (checked < charts.length) this.scheduleRender();
    else this.renders++;
  }

  private recordFrame(ms: number): void {
    this.frameTimes.push(ms);
    if (this.frameTimes.length > FRAME_HISTORY) this.frameTimes.shift();
  }

  private shownRuns(): RunModel[] {
    const runs = this.store.runs;
    return this.store.compare ? runs.filter((r) => !this.hiddenRuns.has(r.id)) : runs[0] ? [runs[0]] : [];
  }

  /** The run whose flags and calibration are shown: the primary one, or the one picked in a comparison. */
  private detailRun(): RunModel | undefined {
    const runs = this.store.runs;
    return (this.store.compare ? runs.find((r) => r.id === this.detailRunId) : undefined) ?? runs[0];
  }

  /** Everything but the curve charts; each part skips itself when its inputs did not change. */
  private renderCheap(): void {
    const runs = this.store.runs;
    const compare = this.store.compare;
    const stylesKey = JSON.stringify([runs.map((r) => [r.id, r.name, r.startedAt]), this.theme.palette]);
    if (stylesKey !== this.stylesKey) {
      this.stylesKey = stylesKey;
      this.styles = runStyles(runs, this.theme.palette);
      for (const id of [...this.hiddenRuns]) if (!runs.some((r) => r.id === id)) this.hiddenRuns.delete(id);
    }
    setHidden(this.empty, runs.length > 0 || this.rangeTest !== null);
    setHidden(this.content, runs.length === 0 && this.rangeTest === null);
    this.content.classList.toggle('ll-no-runs', runs.length === 0);
    this.rangeTestView.update(this.rangeTest, this.theme);
    this.renderHeader();
    this.renderPicker();
    const detail = this.detailRun();
    const detailName = compare && detail ? this.styles.get(detail.id)?.label : undefined;
    this.calibration.update(detail?.calibration ?? null, detail?.eceHistory ?? [], this.theme, detailName, detail ? calibrationMissing(detail) : undefined);
    this.flags.update(detail, detailName);
    setHidden(this.compareView.element, !compare);
    setHidden(this.compareView.legend, !compare);
    if (compare) this.compareView.update(runs, this.styles, this.hiddenRuns);
    this.syncExtraCharts();
    // The saved state leaves per-step readings out, so it only changes with epochs, flags, state or
    // prefs: identical writes (each one a message to the editor process) are skipped.
    const stateKey = JSON.stringify([this.store.loads, compare, this.prefs, runs.map((r) => [r.id, r.revision, r.epochs.length])]);
    if (stateKey !== this.stateKey) {
      this.stateKey = stateKey;
      this.api.setState({ version: 1, runIds: runs.map((r) => r.id), compare, prefs: this.prefs, runs: this.store.snapshots() });
    }
  }

  /** In a comparison: which run's flags and calibration to show. */
  private renderPicker(): void {
    const runs = this.store.runs;
    const compare = this.store.compare;
    const key = JSON.stringify([compare, runs.map((r) => [r.id, this.styles.get(r.id)?.label])]);
    setHidden(this.detailPicker, !compare);
    if (key === this.pickerKey) return;
    this.pickerKey = key;
    this.detailPicker.replaceChildren();
    if (!compare) return;
    if (!runs.some((r) => r.id === this.detailRunId)) this.detailRunId = runs[0]?.id;
    const choices = runs.map((r) => ({ value: r.id, label: `${this.styles.get(r.id)?.tag ?? ''} ${this.styles.get(r.id)?.label ?? r.name}` }));
    const field = dropdown('Flags and calibration of', choices, this.detailRunId ?? '', (id) => {
      this.detailRunId = id;
      this.scheduleRender();
    }, 'detail-run');
    this.detailPicker.append(field.element);
  }

  /** Draws everything now, whatever the budget (export, theme change, tests), and saves state. */
  renderNow(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    const start = performance.now();
    this.renderCheap();
    const shown = this.shownRuns();
    for (const chart of this.charts) chart.update(shown, this.prefs, this.theme, this.store.compare, this.styles);
    this.recordFrame(performance.now() - start);
    this.renders++;
  }

  /** The compact header: its buttons are rebuilt only when the run or its state changes, its figures every frame. */
  private renderHeader(): void {
    const runs = this.store.runs;
    const primary = runs[0];
    const compare = this.store.compare;
    const key = JSON.stringify([compare, runs.map((r) => [r.id, r.name, r.state, r.reason, r.error, r.configurable])]);
    if (key !== this.headerKey) {
      this.headerKey = key;
      this.headerMain.replaceChildren();
      if (primary) {
        const title = document.createElement('h1');
        title.textContent = compare ? `Comparing ${runs.length} runs` : primary.name;
        this.headerMain.append(title);
        if (!compare) {
          // The host's word for it (src/model/runState.ts): "Stopped", "Early-stopped", "Interrupted", never "Finished" for a stopped run.
          const word = runStateWord(primary.state, primary.reason);
          const state = badge(`${word.charAt(0).toUpperCase()}${word.slice(1)}`, `ll-state ll-state-${primary.state}`);
          if (primary.state === 'running') state.prepend(progressRing('Training in progress'));
          this.headerMain.append(state);
          const actions = document.createElement('div');
          actions.className = 'll-actions';
          // Another trainer's log (not configurable) is followed, not trained here: Stop ends the following.
          const stop = primary.configurable ? { label: 'Stop', aria: `Stop training ${primary.name}` } : { label: 'Stop following', aria: `Stop following ${primary.name} (its trainer goes on)` };
          if (primary.state === 'running') actions.append(button(stop.label, () => this.post({ type: 'run/stop', runId: primary.id }), { appearance: 'secondary', ariaLabel: stop.aria, testId: 'stop' }));
          if (primary.configurable) actions.append(button('Open config', () => this.post({ type: 'config/open', runId: primary.id }), { appearance: 'secondary', ariaLabel: `Open the config of ${primary.name}`, testId: 'open-config' }));
          this.headerMain.append(actions);
        }
      }
    }
    const text = primary && !compare ? liveText(primary) : '';
    if (text !== this.liveText) {
      this.liveText = text;
      this.live.textContent = text;
    }
    setHidden(this.live, !text);
  }

  /**
   * The charts as exported PNGs (exportImage.ts): drawn in the export's theme (paper: a light print
   * theme), titled with the run and the chart, then the panel is drawn in the editor's theme again
   * (within the same task, so the panel never shows the print colours).
   */
  async exportImages(style: ExportStyle): Promise<{ name: string; pngDataUrl: string }[]> {
    const editorTheme = this.theme;
    const theme = exportTheme(style, editorTheme);
    let raw: { name: string; pngDataUrl: string }[];
    try {
      this.theme = theme;
      applyThemeDefaults(theme);
      this.renderNow();
      raw = this.images();
    } finally {
      this.theme = editorTheme;
      applyThemeDefaults(editorTheme);
      this.renderNow();
    }
    const runs = this.store.runs;
    const primary = runs[0];
    const who = this.store.compare ? `${runs.length} runs compared` : (primary?.name ?? 'Loss Lens');
    const subtitle = this.store.compare ? runs.map((r) => r.name).join(' · ') : primary ? `${runStateWord(primary.state, primary.reason)} · ${liveText(primary)} · started ${new Date(primary.startedAt).toLocaleString()}` : '';
    const titles: Record<string, string> = { reliability: 'Reliability diagram', 'confidence-histogram': 'Confidence histogram', ...Object.fromEntries(this.charts.map((c) => [c.def.id, c.def.title])) };
    return Promise.all(raw.map(async (img) => ({ name: img.name, pngDataUrl: await titledPng(img.pngDataUrl, `${who} · ${titles[img.name] ?? img.name}`, subtitle, theme, window.devicePixelRatio || 1) })));
  }

  /** The charts as PNGs: the curves first, then calibration, at most what the host accepts. */
  images(): { name: string; pngDataUrl: string }[] {
    const curves = this.charts.filter((c) => !c.isCollapsed);
    const calibration = this.calibration.images();
    return [...curves.slice(0, Math.max(0, MAX_EXPORT_IMAGES - calibration.length)).map((c) => ({ name: c.def.id, pngDataUrl: c.toPng() })), ...calibration];
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
      theme: () => ({ ...this.theme }),
      runCount: () => this.store.runs.length,
      stepCount: () => this.store.runs[0]?.steps.length ?? 0,
      runLabels: () => this.store.runs.map((r) => ({ id: r.id, ...(this.styles.get(r.id) ?? { label: r.name, tag: '', color: '' }) })),
      flush: () => this.renderNow(),
      takeFrameTimes: () => this.frameTimes.splice(0),
      pending: () => this.frame !== 0,
    };
  }
}

/** "epoch 12 of 40 · train loss 0.412 · val loss 0.455" (with the error when it failed); the state is the badge's. */
function liveText(run: RunModel): string {
  const last = run.epochs[run.epochs.length - 1];
  const epoch = last?.epoch ?? 0;
  // Another trainer's log seldom says how many epochs it plans (0): then only the epoch reached.
  const parts = [`epoch ${epoch}${run.epochsPlanned > 0 ? ` of ${run.epochsPlanned}` : ''}`];
  if (last) {
    parts.push(`train loss ${formatNumber(toNumber(last.trainLoss))}`);
    const val = toNumber(last.valLoss);
    if (last.valLoss !== undefined && !(Number.isNaN(val) && run.epochs.every((e) => Number.isNaN(toNumber(e.valLoss))))) parts.push(`val loss ${formatNumber(val)}`);
  }
  if (run.error) parts.push(run.error);
  return parts.join(' · ');
}
