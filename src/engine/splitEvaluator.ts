/**
 * Whole-split evaluation in eval mode (no dropout): the criterion over every row (the reported
 * validation loss, without the L1/L2 penalty), accuracy, and the outputs events carry.
 */
import type { OutputKind, SplitOutputs } from '../model';
import type { Split } from './trainingData';
import type { Criterion } from './losses';
import type { Network } from './network';

/** Evaluates a split in row order, in chunks of the network's batch buffers. */
export class SplitEvaluator {
  private readonly outputs: number;
  private readonly labels: Int32Array;

  constructor(
    private readonly network: Network,
    private readonly criterion: Criterion,
    private readonly output: OutputKind,
    private readonly classCount: number,
  ) {
    this.outputs = criterion.outputs;
    this.labels = new Int32Array(network.shape.maxRows);
  }

  /**
   * Loss (the criterion over the whole split, without penalty), accuracy and outputs. The outputs
   * are allocated afresh each call (once per epoch, outside the step loop), so receivers may keep them.
   */
  evaluate(split: Split): { loss: number; accuracy: number; outputs: SplitOutputs } {
    const { network, criterion } = this;
    const width = network.shape.inputSize;
    const outputs: SplitOutputs = {
      output: this.output,
      classes: this.classCount,
      rows: split.rows,
      logits: new Float32Array(split.rows * this.outputs),
      probabilities: new Float32Array(split.rows * this.classCount),
      labels: split.y.slice(0, split.rows),
    };
    criterion.reset();
    const chunk = network.shape.maxRows;
    for (let start = 0; start < split.rows; start += chunk) {
      const rows = Math.min(chunk, split.rows - start);
      for (let i = 0; i < rows; i++) {
        const from = (start + i) * width;
        for (let f = 0; f < width; f++) network.input[i * width + f] = split.x[from + f]!;
        this.labels[i] = split.y[start + i]!;
      }
      network.forward(rows, false);
      criterion.evaluate(network.logits, this.labels, rows, null);
      const logits = network.logits;
      for (let i = 0; i < rows * this.outputs; i++) outputs.logits[start * this.outputs + i] = logits[i]!;
      criterion.probabilities(logits, rows, outputs.probabilities.subarray(start * this.classCount));
    }
    return { loss: criterion.lossSum / criterion.weightSum, accuracy: criterion.correct / split.rows, outputs };
  }
}
