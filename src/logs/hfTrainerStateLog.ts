/**
 * Hugging Face `Trainer` trainer_state.json: `log_history` holds training entries
 * (`loss`, `learning_rate`, `grad_norm`, `epoch` as a fraction, `step`) every `logging_steps`, and
 * evaluation entries (`eval_loss`, `eval_accuracy`, `epoch`, `step`) per evaluation. Each
 * evaluation becomes an epoch record; its training loss is the mean of the training entries logged
 * since the previous evaluation. Training entries become step records (thinned by logging_steps).
 */
import { LogError } from './errors';
import { epochMetrics, type ForeignLogReader, type LogStep, type TrainingLog } from './trainingLog';
import type { EpochMetrics } from '../model';

type Entry = Readonly<Record<string, unknown>>;

const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN);

export const hfTrainerStateLogReader: ForeignLogReader = {
  format: 'Hugging Face trainer_state.json',
  accepts(baseName, text) {
    return baseName === 'trainer_state.json' || (baseName.endsWith('.json') && /"log_history"\s*:/.test(text));
  },
  read(text, file): TrainingLog {
    let state: unknown;
    try {
      state = JSON.parse(text.replace(/\bNaN\b/g, 'null').replace(/-?\bInfinity\b/g, 'null'));
    } catch (e) {
      throw new LogError(`not valid JSON (${(e as Error).message})`, file);
    }
    const history = (state as { log_history?: unknown })?.log_history;
    if (!Array.isArray(history)) throw new LogError('no "log_history" array (is this a trainer_state.json?)', file);
    const steps: LogStep[] = [];
    const epochs: EpochMetrics[] = [];
    let pending: number[] = [];
    let lastLr: number | undefined;
    for (const raw of history as Entry[]) {
      if (typeof raw !== 'object' || raw === null) continue;
      const epochFloat = num(raw['epoch']);
      if ('loss' in raw) {
        const loss = raw['loss'] === null ? NaN : num(raw['loss']);
        // Fractional epochs (0.25 = a quarter into epoch 1) belong to the epoch they fall in.
        const gradNorm = 'grad_norm' in raw ? (raw['grad_norm'] === null ? NaN : num(raw['grad_norm'])) : undefined;
        steps.push({ step: num(raw['step']), epoch: Math.max(1, Math.ceil(epochFloat)), loss, ...(gradNorm === undefined ? { gradNorm: NaN, gradNormUnknown: true as const } : { gradNorm }) });
        pending.push(loss);
        if ('learning_rate' in raw) lastLr = num(raw['learning_rate']);
      }
      if ('eval_loss' in raw) {
        const trainLoss = pending.length ? pending.reduce((s, v) => s + v, 0) / pending.length : undefined;
        pending = [];
        epochs.push(
          epochMetrics(Math.max(1, Math.round(epochFloat)), {
            trainLoss,
            valLoss: raw['eval_loss'] === null ? NaN : num(raw['eval_loss']),
            valAccuracy: 'eval_accuracy' in raw ? num(raw['eval_accuracy']) : undefined,
            learningRate: lastLr,
          }),
        );
      }
    }
    const notes = epochs.length ? [] : ['no evaluation entries (eval_loss) in log_history: only the training loss can be judged'];
    return { format: 'Hugging Face trainer_state.json', file, epochs, steps, notes };
  },
};
