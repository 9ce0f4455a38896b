/**
 * `lossLens.exportRun`: writes a run's metrics as CSV, the run as JSON, and PNGs of the dashboard's
 * charts (rendered by the webview on request: `export/render` -> `export/didRender`).
 */
import * as vscode from 'vscode';
import path from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileStem, metricsCsv, runJson } from './exportFiles';
import { pickRuns, runsFromArgs } from './runArgs';
import type { Services } from './services';
import { DEFAULT_EXPORT_STYLE, EXPORT_STYLES, type ExportStyle } from '../protocol/webview';

/** Programmatic use (tests): the folder to write into, whether to ask the dashboard for images, and their style. */
export interface ExportOptions {
  readonly folder?: string;
  readonly images?: boolean;
  /** Default: the `lossLens.export.chartStyle` setting. */
  readonly chartStyle?: ExportStyle;
}

/** The chart style to export in: the option, else the setting (an unknown value reads as the default). */
function chartStyleOf(options: ExportOptions): ExportStyle {
  const setting = options.chartStyle ?? vscode.workspace.getConfiguration('lossLens').get<string>('export.chartStyle');
  return EXPORT_STYLES.find((s) => s === setting) ?? DEFAULT_EXPORT_STYLE;
}

export async function exportRunCommand(s: Services, arg?: unknown, options: ExportOptions = {}): Promise<string[]> {
  const run = runsFromArgs(s, arg)[0] ?? s.runsTree.selectedRuns()[0] ?? (await pickRuns(s, { placeHolder: 'Which run should be exported?', many: false }))?.[0];
  if (!run) return [];
  let folder = options.folder;
  if (!folder) {
    const picked = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, openLabel: 'Export Here', defaultUri: vscode.Uri.file(path.dirname(run.dir)) });
    folder = picked?.[0]?.fsPath;
  }
  if (!folder) return [];
  const stem = fileStem(path.basename(run.dir));
  const written: string[] = [];
  const write = async (name: string, data: string | Uint8Array): Promise<void> => {
    const file = path.join(folder, name);
    await writeFile(file, data);
    written.push(file);
  };
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Loss Lens: exporting "${run.name}"` }, async () => {
    try {
      await mkdir(folder, { recursive: true });
      await write(`${stem}-metrics.csv`, metricsCsv(run.epochs));
      await write(`${stem}-run.json`, runJson(run));
      if (options.images ?? true) {
        const images = await s.dashboards.renderImages(run.id, chartStyleOf(options));
        for (const image of images) await write(`${stem}-${image.name}.png`, Buffer.from(image.pngDataUrl.slice('data:image/png;base64,'.length), 'base64'));
        if (!images.length) void vscode.window.showWarningMessage('Loss Lens: the dashboard did not render the charts, so the export has no images.');
      }
    } catch (err) {
      void vscode.window.showErrorMessage(`Loss Lens: export failed: ${(err as Error).message}`);
      return written;
    }
    void vscode.window.showInformationMessage(`Loss Lens: exported ${written.length} file${written.length === 1 ? '' : 's'} to ${folder}.`, 'Reveal').then((choice) => {
      if (choice && written[0]) void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(written[0]));
    });
    return written;
  });
}
