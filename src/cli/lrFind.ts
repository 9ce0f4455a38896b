/** `loss-lens lr-find CONFIG`: the range test on the config's model and data (Smith 2017); prints the suggestion. */
import { loadConfigFile } from '../config/load';
import { noSuggestionMessage } from '../diagnostics/lrRangeTest';
import { findLearningRate } from '../run/findLearningRate';
import type { Command } from './args';
import { EXIT } from './exitCodes';
import { err, out } from './output';
import { formatFlag } from './summary';
import { quote } from '../text/quote';

export async function lrFind(command: Extract<Command, { command: 'lr-find' }>): Promise<number> {
  const loaded = await loadConfigFile(command.config);
  for (const warning of loaded.warnings ?? []) err(`warning: ${warning}`);
  const { config } = loaded;
  const search = await findLearningRate({
    loaded,
    onStart: (info) => err(`Learning-rate range test on ${quote(info.name)} (${config.optimizer.type}, batch ${config.training.batchSize}, ${info.trainRows} training rows)...`),
  });
  const { result, current, flag } = search;
  if (command.json) {
    out(JSON.stringify({ current, suggested: result.suggested, minimum: result.minimum, steepest: result.steepest, divergedAt: result.divergedAt, chanceLoss: result.chanceLoss, points: result.points }, null, 2));
    return EXIT.ok;
  }
  for (const p of result.smoothed) err(`  lr ${p.learningRate.toExponential(2)}  smoothed loss ${Number.isFinite(p.loss) ? p.loss.toFixed(4) : String(p.loss)}`);
  out(flag ? formatFlag(flag) : noSuggestionMessage(result, search.classes.length, current));
  return EXIT.ok;
}
