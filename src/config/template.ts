/**
 * Commented starter configs for `lossLens.newConfig` and the sidebar's Examples: a dataset, a
 * purpose ("task") and a model sized for that dataset. Pure text generation, unit-tested by
 * validating the output with the config validator.
 */
export type DatasetKind = 'bundled' | 'synthetic' | 'csv';

export interface ExampleDataset {
  readonly name: string;
  readonly kind: DatasetKind;
  readonly description: string;
  /** A model that trains this dataset well in seconds. */
  readonly hidden: readonly number[];
  readonly learningRate: number;
  readonly epochs: number;
  readonly batchSize: number;
}

/**
 * Sizes follow the usual rule of thumb for small tabular MLPs (a hidden layer between the input
 * and a few times the class count, wider for harder geometry such as the spiral); learning rates
 * are Adam's default 1e-3 scaled up for tiny datasets where an epoch is only a few steps.
 */
export const EXAMPLE_DATASETS: readonly ExampleDataset[] = [
  { name: 'iris', kind: 'bundled', description: '150 flowers, 4 measurements, 3 species', hidden: [16], learningRate: 0.01, epochs: 100, batchSize: 16 },
  { name: 'wine', kind: 'bundled', description: '178 wines, 13 chemical measurements, 3 cultivars', hidden: [32], learningRate: 0.005, epochs: 80, batchSize: 16 },
  { name: 'breast-cancer-wisconsin', kind: 'bundled', description: '569 tumours, 30 features, benign/malignant', hidden: [32], learningRate: 0.001, epochs: 50, batchSize: 32 },
  { name: 'digits', kind: 'bundled', description: '1797 8x8 handwritten digits, 10 classes', hidden: [64], learningRate: 0.001, epochs: 30, batchSize: 32 },
  { name: 'credit-g', kind: 'bundled', description: '1000 loan applicants, mixed numeric/categorical, good/bad credit', hidden: [32], learningRate: 0.001, epochs: 40, batchSize: 32 },
  { name: 'diabetes', kind: 'bundled', description: '768 patients, 8 measurements, diabetes yes/no', hidden: [16], learningRate: 0.003, epochs: 60, batchSize: 32 },
  { name: 'glass', kind: 'bundled', description: '214 glass fragments, 9 oxides, 6 imbalanced types', hidden: [32], learningRate: 0.005, epochs: 100, batchSize: 16 },
  { name: 'spiral', kind: 'synthetic', description: 'two interleaved spirals (synthetic, 2-D)', hidden: [32, 32], learningRate: 0.01, epochs: 150, batchSize: 32 },
  { name: 'moons', kind: 'synthetic', description: 'two half-moons (synthetic, 2-D)', hidden: [16], learningRate: 0.01, epochs: 80, batchSize: 32 },
  { name: 'circles', kind: 'synthetic', description: 'a circle inside a ring (synthetic, 2-D)', hidden: [16], learningRate: 0.01, epochs: 80, batchSize: 32 },
  { name: 'xor', kind: 'synthetic', description: 'XOR quadrants (synthetic, 2-D)', hidden: [8], learningRate: 0.01, epochs: 100, batchSize: 32 },
  { name: 'blobs', kind: 'synthetic', description: 'Gaussian blobs (synthetic, 2-D)', hidden: [8], learningRate: 0.01, epochs: 40, batchSize: 32 },
];

/** Optimizer steps a baseline on a CSV aims for: small tabular MLPs with Adam settle within about this many. */
export const BASELINE_STEPS = 1000;
/** The validation split the templates write (`data.validationSplit`). */
const VALIDATION_SPLIT = 0.2;

/**
 * A baseline sized for a table of `rows` data rows, so a small table is not judged on a model that
 * barely trained (100 steps of Adam at 1e-3 on 56 rows reads as a plateau): batches of about an
 * eighth of the training rows (8 to 32), as many epochs (30 to 300) as make about BASELINE_STEPS
 * steps, Adam at 0.003 (0.001, its default, from 10,000 training rows), 16 hidden units below 200
 * training rows. Early stopping ends it sooner. Measured on 40 to 120 rows drawn from the six
 * bundled tables (36 tables): no plateau, and one overfitting warning, where the fixed settings
 * (batch 32, 50 epochs, 0.001) gave two plateau warnings and larger rates more overfitting.
 * Without a row count, those fixed settings.
 */
export function csvBaseline(rows: number | undefined): Pick<ExampleDataset, 'hidden' | 'learningRate' | 'epochs' | 'batchSize'> {
  if (rows === undefined || rows <= 0) return { hidden: [32], learningRate: 0.001, epochs: 50, batchSize: 32 };
  const trainRows = Math.max(1, Math.round(rows * (1 - VALIDATION_SPLIT)));
  const batchSize = Math.min(32, Math.max(8, 2 ** Math.round(Math.log2(trainRows / 8))));
  const stepsPerEpoch = Math.ceil(trainRows / batchSize);
  const epochs = Math.min(300, Math.max(30, Math.ceil(BASELINE_STEPS / stepsPerEpoch)));
  return { hidden: trainRows < 200 ? [16] : [32], learningRate: trainRows < 10_000 ? 0.003 : 0.001, epochs, batchSize };
}

export type TaskKind = 'baseline' | 'overfitting' | 'exploding-loss' | 'miscalibration';

export interface TaskChoice {
  readonly kind: TaskKind;
  readonly label: string;
  readonly detail: string;
}

export const TASKS: readonly TaskChoice[] = [
  { kind: 'baseline', label: 'Train a good baseline', detail: 'A model, epochs, batch size and learning rate sized for the data, Adam, early stopping.' },
  { kind: 'overfitting', label: 'See overfitting', detail: 'A model far too large, trained long on little data without early stopping.' },
  { kind: 'exploding-loss', label: 'See an exploding loss', detail: 'SGD with a learning rate far too high.' },
  { kind: 'miscalibration', label: 'See miscalibration', detail: 'A large model trained to near-zero training loss becomes overconfident.' },
];

export interface TemplateInput {
  readonly dataset: ExampleDataset;
  readonly task: TaskKind;
  /** For a CSV dataset: the path relative to the config file, and its target if not the last column. */
  readonly csvPath?: string;
  readonly target?: string;
  readonly name: string;
}

const num = (v: number): string => String(v);

/** A commented `*.losslens.json` (JSONC) for this choice. */
export function configTemplate(input: TemplateInput): string {
  const d = input.dataset;
  let hidden = d.hidden;
  let epochs = d.epochs;
  let lr = d.learningRate;
  let optimizer = 'adam';
  let momentum: number | undefined;
  let earlyStopping = '{ "patience": 10, "minDelta": 0, "restoreBest": true }';
  let validationSplit = VALIDATION_SPLIT;
  let why = 'A model sized for the data; early stopping keeps the best epoch.';
  switch (input.task) {
    case 'baseline':
      break;
    case 'overfitting':
      hidden = [256, 256];
      epochs = Math.max(200, d.epochs * 2);
      earlyStopping = 'false';
      validationSplit = 0.5;
      why = 'Deliberately too large and too long, on half the data: expect the "Overfitting" flag.';
      break;
    case 'exploding-loss':
      optimizer = 'sgd';
      lr = 5;
      momentum = 0.9;
      why = 'SGD at learning rate 5 with momentum: expect the "Exploding loss" flag.';
      break;
    case 'miscalibration':
      hidden = [256, 256];
      epochs = Math.max(200, d.epochs * 2);
      lr = Math.max(lr, 0.005);
      earlyStopping = 'false';
      why = 'Trained far past the best epoch: expect overconfidence ("Miscalibration").';
      break;
    default: {
      const unknown: never = input.task;
      throw new Error(`unknown task ${String(unknown)}`);
    }
  }
  const source =
    d.kind === 'csv'
      ? input.target !== undefined
        ? `    "source": ${JSON.stringify(input.csvPath ?? 'data.csv')},   // a CSV file, relative to this config\n    "target": ${JSON.stringify(input.target)},   // the column of class labels; the others are features`
        : `    "source": ${JSON.stringify(input.csvPath ?? 'data.csv')},   // a CSV file, relative to this config; the target is the last column unless "target" says otherwise`
      : d.kind === 'synthetic'
        ? `    "source": ${JSON.stringify(d.name)},   // synthetic: ${d.description}\n    "synthetic": { "samples": 600, "noise": 0.2 },`
        : `    "source": ${JSON.stringify(d.name)},   // bundled: ${d.description}`;
  return `// Loss Lens training config: run "Loss Lens: Train" (or the ▷ button above) to train it.
// ${why}
// Every key but "data" has a default; hover a key for its documentation.
{
  "name": ${JSON.stringify(input.name)},
  "seed": 0,                          // one seed makes the whole run reproducible
  "data": {
${source}
    "validationSplit": ${num(validationSplit)},           // stratified, seeded
    "standardize": true               // z-score features with training statistics
  },
  "model": {
    "hidden": ${JSON.stringify(hidden)},                 // hidden layer sizes
    "activation": "relu",
    "dropout": 0
  },
  "optimizer": {
    "type": "${optimizer}",
    "learningRate": ${num(lr)}${momentum !== undefined ? `,\n    "momentum": ${num(momentum)}` : ''}
  },
  "regularization": { "l1": 0, "l2": 0 },
  "training": {
    "epochs": ${num(epochs)},
    "batchSize": ${num(d.batchSize)},
    "earlyStopping": ${earlyStopping}
  }
}
`;
}

/** A file name for a new config: `<dataset>[-<task>].losslens.json`. */
export const configFileName = (dataset: string, task: TaskKind): string => `${dataset}${task === 'baseline' ? '' : `-${task}`}.losslens.json`;
