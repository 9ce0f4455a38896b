/**
 * PyTorch Lightning `CSVLogger` metrics.csv: a sparse table with `epoch` (from 0) and `step` (from
 * 0) columns; step rows carry e.g. `train_loss` or `train_loss_step`, epoch-end rows carry
 * `val_loss`, `val_acc`, `train_loss_epoch`. Metric names are the user's (`self.log("name")`), so
 * the common spellings are tried. An epoch's training loss is its `*_epoch` value when logged,
 * else the mean of its step losses. Rows with a step and no epoch (LearningRateMonitor's `lr-Adam`,
 * logged straight to the logger) belong to the epoch their step falls in (epochMarks.ts).
 */
import { findColumn, metricValue, parseCsvTable } from './csvTable';
import { epochMetrics, type ForeignLogReader, type LogStep, type TrainingLog } from './trainingLog';
import type { EpochMetrics } from '../model';
import { epochLookup } from './epochMarks';

const STEP_LOSS = ['train_loss_step', 'train_loss', 'loss', 'training_loss'];
const EPOCH_LOSS = ['train_loss_epoch', 'loss_epoch'];
const VAL_LOSS = ['val_loss', 'valid_loss', 'validation_loss', 'val_loss_epoch'];
const ACC = ['train_acc_epoch', 'train_acc', 'train_accuracy', 'acc'];
const VAL_ACC = ['val_acc', 'val_accuracy', 'valid_acc', 'val_acc_epoch'];
const LR = ['lr', 'learning_rate', 'lr-Adam', 'lr-SGD', 'lr-AdamW'];
const GRAD = ['grad_norm', 'grad_2.0_norm_total'];

export const lightningCsvLogReader: ForeignLogReader = {
  format: 'Lightning metrics.csv',
  accepts(baseName, text) {
    if (!baseName.toLowerCase().endsWith('.csv')) return false;
    const header = (text.split(/\r?\n/, 1)[0] ?? '').replace(/^\uFEFF/, '').split(',').map((h) => h.trim());
    return header.includes('epoch') && header.includes('step');
  },
  read(text, file): TrainingLog {
    const { header, rows } = parseCsvTable(text, file);
    const col = (names: readonly string[]): number => findColumn(header, names);
    const c = { epoch: col(['epoch']), step: col(['step']), stepLoss: col(STEP_LOSS), epochLoss: col(EPOCH_LOSS), valLoss: col(VAL_LOSS), acc: col(ACC), valAcc: col(VAL_ACC), lr: col(LR), grad: col(GRAD) };
    const at = (row: readonly string[], i: number): number => (i < 0 ? NaN : (metricValue(row[i]) ?? NaN));
    const steps: LogStep[] = [];
    const byEpoch = new Map<number, { known: Partial<EpochMetrics>; stepLosses: number[] }>();
    const entry = (e: number): { known: Partial<EpochMetrics>; stepLosses: number[] } => {
      let v = byEpoch.get(e);
      if (!v) byEpoch.set(e, (v = { known: {}, stepLosses: [] }));
      return v;
    };
    const marks = rows.map((row, i) => ({ step: at(row, c.step), order: i, epoch: at(row, c.epoch) })).filter((m) => Number.isFinite(m.step) && Number.isFinite(m.epoch));
    const epochOfStep = epochLookup(marks);
    for (const [i, row] of rows.entries()) {
      const step = at(row, c.step);
      const logged = at(row, c.epoch);
      const e0 = Number.isFinite(logged) ? logged : Number.isFinite(step) ? (epochOfStep(step, i) ?? NaN) : NaN;
      if (!Number.isFinite(e0)) continue;
      const e = e0 + 1;
      const slot = entry(e);
      const stepLoss = at(row, c.stepLoss);
      if (!Number.isNaN(stepLoss) || (c.stepLoss >= 0 && row[c.stepLoss]?.trim())) {
        steps.push({ step: step + 1, epoch: e, loss: stepLoss, ...(c.grad >= 0 ? { gradNorm: at(row, c.grad) } : { gradNorm: NaN, gradNormUnknown: true as const }) });
        slot.stepLosses.push(stepLoss);
      }
      // Epoch-level metrics sit on their own sparse rows: keep each one where its cell is filled
      // ("nan" included: that was measured and was not finite).
      const set = (key: keyof EpochMetrics, i: number): void => {
        const value = i < 0 ? undefined : metricValue(row[i]);
        if (value !== undefined) (slot.known as Record<string, number>)[key] = value;
      };
      set('trainLoss', c.epochLoss);
      set('valLoss', c.valLoss);
      set('trainAccuracy', c.acc);
      set('valAccuracy', c.valAcc);
      set('learningRate', c.lr);
    }
    const epochs = [...byEpoch.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([e, { known, stepLosses }]) => {
        const mean = stepLosses.length ? stepLosses.reduce((s, v) => s + v, 0) / stepLosses.length : undefined;
        return epochMetrics(e, { ...known, trainLoss: known.trainLoss ?? mean });
      });
    const notes = c.valLoss < 0 ? ['no validation-loss column (val_loss) found: overfitting and calibration cannot be judged'] : [];
    return { format: 'Lightning metrics.csv', file, epochs, steps, notes };
  },
};
