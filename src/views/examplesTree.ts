/**
 * The sidebar's Examples view: one entry per bundled or synthetic dataset; one click writes a
 * starter config for it into the workspace and opens it (`lossLens.createExample`).
 */
import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import { CommandIds } from '../protocol/commands';
import { EXAMPLE_DATASETS, type ExampleDataset } from '../config/template';

export const EXAMPLES_VIEW_ID = 'lossLens.examples';

export class ExamplesTree extends Disposable implements vscode.TreeDataProvider<ExampleDataset> {
  static register(context: vscode.ExtensionContext): ExamplesTree {
    const tree = new ExamplesTree();
    tree._register(vscode.window.createTreeView(EXAMPLES_VIEW_ID, { treeDataProvider: tree }));
    context.subscriptions.push(tree);
    return tree;
  }

  getChildren(node?: ExampleDataset): ExampleDataset[] {
    return node ? [] : [...EXAMPLE_DATASETS];
  }

  getTreeItem(example: ExampleDataset): vscode.TreeItem {
    const item = new vscode.TreeItem(example.name, vscode.TreeItemCollapsibleState.None);
    item.description = example.description;
    item.iconPath = new vscode.ThemeIcon(example.kind === 'synthetic' ? 'beaker' : 'database');
    item.tooltip = `Click: create ${example.name}.losslens.json (${example.kind} dataset: ${example.description}) and open it. ▷ Train: create it and train it.`;
    item.contextValue = 'lossLens.example';
    item.command = { command: CommandIds.createExample, title: 'Create Config from Example', arguments: [example.name] };
    return item;
  }
}
