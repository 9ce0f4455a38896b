/**
 * Keras `CSVLogger` output: one row per epoch, `epoch` counted from 0, then the logs dict in
 * sorted key order, e.g. `epoch,accuracy,loss,val_accuracy,val_loss` (TF2) or `acc`/`val_acc` (old
 * Keras), with `lr`/`learning_rate` when a scheduler logs it. No step records.
 */
import { findColumn, metricValue, parseCsvTable } from './csvTable';
import { epochMetrics, type ForeignLogReader, type TrainingLog } from './trainingLog';

const LOSS = ['loss'];
const VAL_LOSS = ['val_loss'];
const ACC = ['accuracy', 'acc', 'categorical_accuracy', 'sparse_categorical_accuracy', 'binary_accuracy'];
const VAL_ACC = ['val_accuracy', 'val_acc', 'val_categorical_accuracy', 'val_sparse_categorical_accuracy', 'val_binary_accuracy'];
const LR = ['lr', 'learning_rate'];

export const kerasCsvLogReader: ForeignLogReader = {
  format: 'Keras CSVLogger',
  // By content, not by name: CSVLogger writes whatever file name it is given (`training.log` in
  // the Keras docs' own example).
  accepts(baseName, text) {
    if (/\.jsonl?$/i.test(baseName)) return false;
    const header = (text.split(/\r?\n/, 1)[0] ?? '').replace(/^\uFEFF/, '').split(',').map((h) => h.trim());
    return header[0] === 'epoch' && header.includes('loss') && !header.includes('step');
  },
  read(text, file): TrainingLog {
    const { header, rows } = parseCsvTable(text, file);
    const col = (names: readonly string[]): number => findColumn(header, names);
    const [epoch, loss, valLoss, acc, valAcc, lr] = [col(['epoch']), col(LOSS), col(VAL_LOSS), col(ACC), col(VAL_ACC), col(LR)];
    const at = (row: readonly string[], i: number): number | undefined => (i < 0 ? undefined : metricValue(row[i]));
    const epochs = rows.map((row, r) => {
      const e = at(row, epoch);
      return epochMetrics(e !== undefined && Number.isFinite(e) ? e + 1 : r + 1, {
        trainLoss: at(row, loss),
        valLoss: at(row, valLoss),
        trainAccuracy: at(row, acc),
        valAccuracy: at(row, valAcc),
        learningRate: at(row, lr),
      });
    });
    const notes = valLoss < 0 ? ['no val_loss column: overfitting and calibration cannot be judged'] : [];
    return { format: 'Keras CSVLogger', file, epochs, steps: [], notes };
  },
};
