/**
 * `lossLens.newConfig`: a guided pick (dataset, task, model size) that writes a commented
 * `*.losslens.json` and opens it; and `lossLens.createExample`, the sidebar's one-click variant.
 */
import * as vscode from 'vscode';
import path from 'node:path';
import { configFileName, configTemplate, csvBaseline, EXAMPLE_DATASETS, TASKS, type ExampleDataset, type TaskKind } from '../config/template';
import { readCsvOutline } from '../data/csvRecords';

/** Presets for programmatic use (tests); any missing answer is asked. */
export interface NewConfigArgs {
  readonly dataset?: string;
  readonly task?: TaskKind;
  readonly hidden?: readonly number[];
  /** The folder to write into; default: the first workspace folder. */
  readonly folder?: string;
  /** Your own data: a CSV file (instead of `dataset`), and its column of class labels. */
  readonly csv?: string;
  readonly target?: string;
}

export async function newConfigCommand(args: NewConfigArgs = {}): Promise<vscode.Uri | undefined> {
  let dataset = EXAMPLE_DATASETS.find((d) => d.name === args.dataset);
  let csvPath: string | undefined = args.csv;
  if (!dataset && !csvPath) {
    type Item = vscode.QuickPickItem & { dataset?: ExampleDataset; csv?: true };
    const items: Item[] = [
      { label: 'Bundled datasets', kind: vscode.QuickPickItemKind.Separator },
      ...EXAMPLE_DATASETS.filter((d) => d.kind === 'bundled').map((d): Item => ({ label: d.name, description: d.description, dataset: d })),
      { label: 'Synthetic datasets', kind: vscode.QuickPickItemKind.Separator },
      ...EXAMPLE_DATASETS.filter((d) => d.kind === 'synthetic').map((d): Item => ({ label: d.name, description: d.description, dataset: d })),
      { label: 'Your data', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(file) A CSV file…', description: 'the target column is the last one unless you say otherwise', csv: true },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'New Loss Lens config (1/3): dataset', placeHolder: 'Which data should the classifier learn?' });
    if (!picked) return undefined;
    if (picked.csv) {
      const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'CSV / TSV': ['csv', 'tsv', 'txt'] }, openLabel: 'Use this CSV' });
      if (!files?.[0]) return undefined;
      csvPath = files[0].fsPath;
    } else {
      dataset = picked.dataset;
    }
  }
  let target: string | undefined;
  if (csvPath) {
    const chosen = await pickTarget(csvPath, args.target);
    if (!chosen) return undefined;
    target = chosen.isLast ? undefined : chosen.name;
    dataset = { name: path.basename(csvPath).replace(/\.[^.]+$/, ''), kind: 'csv', description: csvPath, ...csvBaseline(chosen.rows) };
  }
  if (!dataset) return undefined;

  let task = args.task;
  if (!task) {
    const picked = await vscode.window.showQuickPick(
      TASKS.map((t) => ({ label: t.label, detail: t.detail, task: t.kind })),
      { title: 'New Loss Lens config (2/3): what do you want to see?', placeHolder: 'A good baseline, or a run that shows a training problem' },
    );
    if (!picked) return undefined;
    task = picked.task;
  }

  let hidden = args.hidden;
  if (!hidden && task === 'baseline') {
    const suggested = dataset.hidden;
    const options = [
      { label: `${JSON.stringify(suggested)}`, description: 'suggested for this dataset', hidden: suggested },
      { label: `${JSON.stringify(suggested.map((n) => Math.max(2, n / 2)))}`, description: 'smaller: faster, less prone to overfit', hidden: suggested.map((n) => Math.max(2, n / 2)) },
      { label: `${JSON.stringify([...suggested.map((n) => n * 2), suggested[0]!])}`, description: 'larger and deeper', hidden: [...suggested.map((n) => n * 2), suggested[0]!] },
    ];
    const picked = await vscode.window.showQuickPick(options, { title: 'New Loss Lens config (3/3): hidden layers', placeHolder: 'The sizes of the hidden layers' });
    if (!picked) return undefined;
    hidden = picked.hidden;
  }

  const folder = args.folder ?? (await pickFolder());
  if (!folder) return undefined;
  const fileName = configFileName(dataset.name, task);
  const uri = await uniqueUri(vscode.Uri.file(path.join(folder, fileName)));
  const name = path.basename(uri.fsPath).slice(0, -'.losslens.json'.length);
  const text = configTemplate({
    dataset: hidden ? { ...dataset, hidden } : dataset,
    task,
    name,
    ...(csvPath ? { csvPath: path.relative(folder, csvPath).split(path.sep).join('/') } : {}),
    ...(target !== undefined ? { target } : {}),
  });
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  await vscode.window.showTextDocument(uri, { preview: false });
  return uri;
}

/** The sidebar's one-click example: writes `<dataset>.losslens.json` (or opens the existing one). */
export async function createExampleConfig(datasetName: unknown, options: { open: boolean } = { open: true }): Promise<vscode.Uri | undefined> {
  const dataset = EXAMPLE_DATASETS.find((d) => d.name === datasetName);
  if (!dataset) return undefined;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) {
    const doc = await vscode.workspace.openTextDocument({ language: 'jsonc', content: configTemplate({ dataset, task: 'baseline', name: dataset.name }) });
    await vscode.window.showTextDocument(doc);
    void vscode.window.showInformationMessage(`Save this as ${dataset.name}.losslens.json in a folder to train it.`);
    return undefined;
  }
  const uri = vscode.Uri.file(path.join(folder, configFileName(dataset.name, 'baseline')));
  if (!(await exists(uri))) await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(configTemplate({ dataset, task: 'baseline', name: dataset.name })));
  if (options.open) await vscode.window.showTextDocument(uri, { preview: false });
  return uri;
}

/**
 * The column of class labels, read from the file's header (the last column, the default, first):
 * a table's label is often not its last column. Undefined if the user cancels or the file cannot
 * be read (then the user was told why, with the file named).
 */
async function pickTarget(csvPath: string, preset: string | undefined): Promise<{ name: string; isLast: boolean; rows: number | undefined } | undefined> {
  let header: readonly string[];
  let rows: number | undefined;
  try {
    ({ header, rows } = await readCsvOutline(csvPath, path.basename(csvPath)));
  } catch (err) {
    void vscode.window.showErrorMessage(`Loss Lens: ${(err as Error).message}`);
    return undefined;
  }
  const last = header[header.length - 1];
  if (header.length < 2 || last === undefined) {
    void vscode.window.showErrorMessage(`Loss Lens: ${path.basename(csvPath)} has ${header.length} column: it needs feature columns and a column of class labels.`);
    return undefined;
  }
  if (preset !== undefined) return header.includes(preset) ? { name: preset, isLast: preset === last, rows } : undefined;
  const items = [last, ...header.slice(0, -1)].map((name) => ({ label: name, description: name === last ? 'the last column (the default)' : '', name }));
  const picked = await vscode.window.showQuickPick(items, { title: `New Loss Lens config: the column of class labels in ${path.basename(csvPath)}`, placeHolder: 'Which column should the classifier predict? The others become its features.' });
  return picked ? { name: picked.name, isLast: picked.name === last, rows } : undefined;
}

async function pickFolder(): Promise<string | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1) return folders[0]!.uri.fsPath;
  if (folders.length > 1) return (await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Where should the config go?' }))?.uri.fsPath;
  const picked = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, openLabel: 'Put the config here' });
  return picked?.[0]?.fsPath;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function uniqueUri(uri: vscode.Uri): Promise<vscode.Uri> {
  if (!(await exists(uri))) return uri;
  const base = uri.fsPath.slice(0, -'.losslens.json'.length);
  for (let i = 2; ; i++) {
    const candidate = vscode.Uri.file(`${base}-${i}.losslens.json`);
    if (!(await exists(candidate))) return candidate;
  }
}
