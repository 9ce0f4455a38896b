import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { validateConfigText, type ValidateOptions } from '../../../src/config/validate';
import { loadConfigFile } from '../../../src/config/load';
import { ConfigError } from '../../../src/config/errors';
import type { ConfigProblem } from '../../../src/config/problems';

const FILE = '/ws/configs/digits-baseline.losslens.json';
/** Every path exists unless a test says otherwise. */
const anyFile: ValidateOptions = { fileExists: () => true };

function problemsOf(text: string, options = anyFile): ConfigProblem[] {
  const result = validateConfigText(text, FILE, options);
  return result.problems;
}

/** The one problem at `path`, and the text it underlines. */
function only(text: string, path: string, options = anyFile): { problem: ConfigProblem; underlined: string } {
  const problems = problemsOf(text, options);
  const matching = problems.filter((p) => p.path.join('.') === path);
  assert.equal(matching.length, 1, `expected one problem at ${path}, got ${JSON.stringify(problems)}`);
  const problem = matching[0]!;
  return { problem, underlined: text.slice(problem.offset, problem.offset + problem.length) };
}

describe('defaults (docs/config.md)', () => {
  test('a config with only data gets every default, exactly', () => {
    const { config, problems } = validateConfigText('{ "data": { "source": "digits" } }', FILE, anyFile);
    assert.deepEqual(problems, []);
    assert.deepEqual(config, {
      name: 'digits-baseline',
      seed: 0,
      data: { source: 'digits', encoding: 'utf-8', validationSplit: 0.2, standardize: true, missing: 'error', shuffle: true, synthetic: { samples: 500, noise: 0.1 } },
      model: { hidden: [32], activation: 'relu', dropout: 0, output: 'auto', init: 'he' },
      loss: { labelSmoothing: 0, classWeights: 'none' },
      optimizer: { type: 'adam', learningRate: 0.001, momentum: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
      regularization: { l1: 0, l2: 0 },
      training: { epochs: 50, batchSize: 32, gradientClip: null, earlyStopping: { patience: 10, minDelta: 0, restoreBest: true } },
      diagnostics: {},
    });
  });

  test('adamw defaults weightDecay to 0.01 (torch.optim.AdamW); sgd and adam to 0', () => {
    const wd = (type: string): number => validateConfigText(`{"data":{"source":"iris"},"optimizer":{"type":"${type}"}}`, FILE, anyFile).config!.optimizer.weightDecay;
    assert.equal(wd('adamw'), 0.01);
    assert.equal(wd('adam'), 0);
    assert.equal(wd('sgd'), 0);
  });

  test('partial sections keep what was written and fill the rest; earlyStopping false stays false', () => {
    const { config } = validateConfigText(
      '{"name":"n","data":{"source":"iris"},"training":{"epochs":3,"earlyStopping":{"patience":2}},"optimizer":{"type":"sgd","momentum":0.9}}',
      FILE,
      anyFile,
    );
    assert.equal(config!.name, 'n');
    assert.deepEqual(config!.training, { epochs: 3, batchSize: 32, gradientClip: null, earlyStopping: { patience: 2, minDelta: 0, restoreBest: true } });
    assert.equal(config!.optimizer.momentum, 0.9);
    const off = validateConfigText('{"data":{"source":"iris"},"training":{"earlyStopping":false}}', FILE, anyFile).config!;
    assert.equal(off.training.earlyStopping, false);
  });

  test('comments and trailing commas are allowed; $schema is accepted and not copied', () => {
    const { config, problems } = validateConfigText('// c\n{ "$schema": "./s.json", /* x */ "data": { "source": "iris", }, }', FILE, anyFile);
    assert.deepEqual(problems, []);
    assert.equal((config as unknown as Record<string, unknown>)['$schema'], undefined);
  });

  test('name defaults to the file name without .losslens.json', () => {
    assert.equal(validateConfigText('{"data":{"source":"iris"}}', 'C:\\w\\my run.losslens.json', anyFile).config!.name, 'my run');
  });
});

describe('schema problems carry the key path and the exact range', () => {
  test('JSON syntax error: range at the error, no config', () => {
    const text = '{ "data": { "source": "iris" } "seed": 1 }';
    const { config, problems } = validateConfigText(text, FILE, anyFile);
    assert.equal(config, undefined);
    assert.match(problems[0]!.message, /JSON syntax error: a comma "," was expected/);
    assert.equal(text.slice(problems[0]!.offset, problems[0]!.offset + problems[0]!.length), '"seed"');
  });

  test('unknown key: underlines the key and suggests the nearest valid key of that object', () => {
    const text = '{"data":{"source":"iris"},"optimizer":{"learningrate":0.1}}';
    const { problem, underlined } = only(text, 'optimizer.learningrate');
    assert.equal(underlined, '"learningrate"');
    assert.equal(problem.suggestion, 'learningRate');
    assert.equal(problem.message, 'unknown key "learningrate" in "optimizer" (did you mean "learningRate"?)');
  });

  test('unknown key far from any other still names the nearest (Levenshtein)', () => {
    assert.equal(only('{"data":{"source":"iris"},"model":{"hiden_layers":[3]}}', 'model.hiden_layers').problem.suggestion, 'hidden');
    assert.equal(only('{"data":{"source":"iris"},"trainig":{}}', 'trainig').problem.suggestion, 'training');
    assert.equal(only('{"data":{"source":"iris","validation_split":0.3}}', 'data.validation_split').problem.suggestion, 'validationSplit');
  });

  test('a key written in the wrong section points to where it belongs', () => {
    const { problem } = only('{"data":{"source":"iris"},"optimizer":{"epochs":3}}', 'optimizer.epochs');
    assert.equal(problem.suggestion, 'training.epochs');
    assert.match(problem.message, /belongs in "training"/);
  });

  test('wrong type: underlines the value and says what was written', () => {
    const text = '{"data":{"source":"iris"},"training":{"epochs":"ten"}}';
    const { problem, underlined } = only(text, 'training.epochs');
    assert.equal(underlined, '"ten"');
    assert.equal(problem.message, 'must be a whole number, not "ten"');
    assert.equal(only('{"data":{"source":"iris"},"training":{"batchSize":2.5}}', 'training.batchSize').problem.message, 'must be a whole number, not 2.5');
    assert.equal(only('{"data":{"source":"iris","standardize":"yes"}}', 'data.standardize').problem.message, 'must be true or false, not "yes"');
  });

  test('a value of the right meaning but the wrong JSON type says what to write', () => {
    const lr = only('{"data":{"source":"iris"},"optimizer":{"learningRate":"0.01"}}', 'optimizer.learningRate').problem;
    assert.equal(lr.message, 'must be a number, not "0.01" (write 0.01 without quotes)');
    assert.equal(lr.suggestion, undefined, 'suggestions are keys or string values the editor quotes');
    assert.match(only('{"data":{"source":"iris","shuffle":"false"}}', 'data.shuffle').problem.message, /write false without quotes/);
    assert.equal(only('{"data":{"source":"iris"},"model":{"hidden":32}}', 'model.hidden').problem.message, 'must be an array, not 32 (write [32])');
  });

  test('out of range: validationSplit in (0, 1), learningRate > 0, hidden sizes positive integers', () => {
    const split = only('{"data":{"source":"iris","validationSplit":1}}', 'data.validationSplit');
    assert.equal(split.problem.message, 'must be greater than 0 and less than 1, not 1');
    assert.equal(split.underlined, '1');
    assert.equal(only('{"data":{"source":"iris","validationSplit":0}}', 'data.validationSplit').problem.message, 'must be greater than 0 and less than 1, not 0');
    assert.match(only('{"data":{"source":"iris"},"optimizer":{"learningRate":-0.1}}', 'optimizer.learningRate').problem.message, /^must be greater than 0 .*not -0.1$/);
    const hidden = only('{"data":{"source":"iris"},"model":{"hidden":[8, 0]}}', 'model.hidden.1');
    assert.match(hidden.problem.message, /^must be at least 1/);
    assert.equal(hidden.underlined, '0');
    assert.equal(only('{"data":{"source":"iris"},"model":{"hidden":[8, 1.5]}}', 'model.hidden.1').problem.message, 'must be a whole number, not 1.5');
    assert.equal(only('{"data":{"source":"iris"},"model":{"dropout":1}}', 'model.dropout').problem.message, 'must be at least 0 and less than 1, not 1');
  });

  test('enum mistakes list the allowed values and suggest the close one', () => {
    const text = '{"data":{"source":"iris"},"model":{"activation":"Relu"}}';
    const { problem, underlined } = only(text, 'model.activation');
    assert.equal(underlined, '"Relu"');
    assert.equal(problem.suggestion, 'relu');
    assert.equal(problem.message, 'must be "relu", "leaky-relu", "tanh", "sigmoid", "gelu" or "linear", not "Relu" (did you mean "relu"?)');
    assert.equal(only('{"data":{"source":"iris","missing":"mean"}}', 'data.missing').problem.suggestion, undefined);
  });

  test('alternatives: classWeights and earlyStopping', () => {
    assert.equal(only('{"data":{"source":"iris"},"loss":{"classWeights":"balnced"}}', 'loss.classWeights').problem.message, 'must be "none", "balanced" or an object, not "balnced" (did you mean "balanced"?)');
    assert.equal(only('{"data":{"source":"iris"},"training":{"earlyStopping":true}}', 'training.earlyStopping').problem.message, 'must be an object or false, not true');
    assert.equal(only('{"data":{"source":"iris"},"training":{"earlyStopping":{"patiense":3}}}', 'training.earlyStopping.patiense').problem.suggestion, 'patience');
    assert.match(only('{"data":{"source":"iris"},"loss":{"classWeights":{"setosa":-1}}}', 'loss.classWeights.setosa').problem.message, /^must be at least 0/);
  });

  test('data is required; duplicate keys are reported', () => {
    const missing = only('{"seed": 1}', 'data');
    assert.equal(missing.problem.message, '"data" is required');
    assert.match(only('{"data":{"source":"iris"},"seed":1,"seed":2}', 'seed').problem.message, /duplicate key/);
  });
});

describe('semantic rules', () => {
  test('data needs source or train + validation', () => {
    const none = only('{"data":{"target":"y"}}', 'data');
    assert.match(none.problem.message, /needs "source".*or "train" and "validation"/);
    assert.equal(none.underlined, '"data"');
    assert.match(only('{"data":{"train":"a.csv"}}', 'data.validation').problem.message, /"train" needs "validation"/);
    assert.match(only('{"data":{"validation":"a.csv"}}', 'data.train').problem.message, /"validation" needs "train"/);
    assert.match(only('{"data":{"source":"iris","train":"a.csv"}}', 'data.train').problem.message, /either "source" or "train"/);
  });

  test('labelSmoothing only with softmax outputs', () => {
    const explicit = only('{"data":{"source":"iris"},"model":{"output":"sigmoid"},"loss":{"labelSmoothing":0.1}}', 'loss.labelSmoothing');
    assert.match(explicit.problem.message, /softmax outputs only/);
    assert.equal(explicit.underlined, '0.1');
    assert.match(only('{"data":{"source":"diabetes"},"loss":{"labelSmoothing":0.1}}', 'loss.labelSmoothing').problem.message, /two classes.*"softmax"/);
    assert.deepEqual(problemsOf('{"data":{"source":"diabetes"},"model":{"output":"softmax"},"loss":{"labelSmoothing":0.1}}'), []);
  });

  test('sigmoid output on a known multiclass dataset', () => {
    assert.match(only('{"data":{"source":"iris"},"model":{"output":"sigmoid"}}', 'model.output').problem.message, /has 3/);
  });

  test('weightDecay only with adamw; momentum only with sgd; betas not with sgd', () => {
    const wd = only('{"data":{"source":"iris"},"optimizer":{"type":"adam","weightDecay":0.1}}', 'optimizer.weightDecay');
    assert.match(wd.problem.message, /applies to "adamw" only/);
    assert.equal(wd.underlined, '0.1');
    assert.deepEqual(problemsOf('{"data":{"source":"iris"},"optimizer":{"type":"adamw","weightDecay":0.1}}'), []);
    assert.match(only('{"data":{"source":"iris"},"optimizer":{"momentum":0.9}}', 'optimizer.momentum').problem.message, /"sgd" only/);
    assert.match(only('{"data":{"source":"iris"},"optimizer":{"type":"sgd","beta1":0.8}}', 'optimizer.beta1').problem.message, /"adam" and "adamw" only/);
  });

  test('a misspelt optimizer key is offered only a key the chosen optimizer takes (issue 14)', () => {
    const sgd = only('{"data":{"source":"iris"},"optimizer":{"type":"sgd","momentm":0.9}}', 'optimizer.momentm');
    assert.equal(sgd.problem.suggestion, 'momentum');
    assert.equal(sgd.underlined, '"momentm"');
    for (const type of ['"type":"adam",', '']) {
      // adam (also the default): "momentum" would be rejected next ("applies to sgd only"), so it is named, not offered.
      const adam = only(`{"data":{"source":"iris"},"optimizer":{${type}"momentm":0.9}}`, 'optimizer.momentm');
      assert.equal(adam.problem.suggestion, undefined, adam.problem.message);
      assert.match(adam.problem.message, /unknown key "momentm" in "optimizer" \("momentum" is for "sgd" only; optimizer.type is "adam"\)/);
    }
    assert.equal(only('{"data":{"source":"iris"},"optimizer":{"type":"adam","beta_1":0.9}}', 'optimizer.beta_1').problem.suggestion, 'beta1');
    assert.equal(only('{"data":{"source":"iris"},"optimizer":{"type":"adamw","weightDecy":0.1}}', 'optimizer.weightDecy').problem.suggestion, 'weightDecay');
    assert.equal(only('{"data":{"source":"iris"},"optimizer":{"type":"sgd","weightDecy":0.1}}', 'optimizer.weightDecy').problem.suggestion, undefined);
  });

  test('warnings do not block: validationSplit with explicit files, synthetic without a synthetic source, dropout without hidden layers', () => {
    const { config, problems } = validateConfigText(
      '{"data":{"train":"a.csv","validation":"b.csv","validationSplit":0.3,"synthetic":{"samples":10}},"model":{"hidden":[],"dropout":0.5}}',
      FILE,
      anyFile,
    );
    assert.ok(config);
    assert.deepEqual(problems.map((p) => [p.path.join('.'), p.severity]), [
      ['data.validationSplit', 'warning'],
      ['data.synthetic', 'warning'],
      ['model.dropout', 'warning'],
    ]);
  });

  test('referenced files must exist, resolved against the config folder', () => {
    const seen: string[] = [];
    const none = { fileExists: (p: string): boolean => (seen.push(p), false) };
    const text = '{"data":{"train":"../d/train.csv","validation":"val.csv"},"model":{"init":"runs/model.json"}}';
    const problems = problemsOf(text, none);
    assert.deepEqual(problems.map((p) => p.path.join('.')), ['data.train', 'data.validation', 'model.init']);
    assert.deepEqual(seen, [path.resolve('/ws/d/train.csv'), path.resolve('/ws/configs/val.csv'), path.resolve('/ws/configs/runs/model.json')]);
    const train = problems[0]!;
    assert.equal(text.slice(train.offset, train.offset + train.length), '"../d/train.csv"');
    assert.match(train.message, /training file "..\/d\/train.csv" does not exist/);
  });

  test('an unknown source that is not a file suggests the nearest dataset name', () => {
    const { problem } = only('{"data":{"source":"irsi"}}', 'data.source', { fileExists: () => false });
    assert.equal(problem.suggestion, 'iris');
    assert.match(problem.message, /not a bundled dataset/);
    assert.equal(only('{"data":{"source":"iris"},"model":{"init":"xaiver"}}', 'model.init', { fileExists: () => false }).problem.suggestion, 'xavier');
  });
});

describe('diagnostics overrides are checked against the detectors\' named thresholds', () => {
  test('known detector and threshold pass; camelCase detector names are accepted', () => {
    assert.deepEqual(problemsOf('{"data":{"source":"iris"},"diagnostics":{"overfitting":{"generalizationLossAlpha":10},"explodingLoss":{"enabled":false}}}'), []);
  });

  test('unknown detector or threshold: error on the key, nearest name suggested', () => {
    const detector = only('{"data":{"source":"iris"},"diagnostics":{"overfiting":{}}}', 'diagnostics.overfiting');
    assert.equal(detector.underlined, '"overfiting"');
    assert.equal(detector.problem.suggestion, 'overfitting');
    const threshold = only('{"data":{"source":"iris"},"diagnostics":{"overfitting":{"generalisationLossAlpha":3}}}', 'diagnostics.overfitting.generalisationLossAlpha');
    assert.equal(threshold.problem.suggestion, 'generalizationLossAlpha');
    assert.equal(threshold.underlined, '"generalisationLossAlpha"');
  });

  test('a threshold of the wrong type underlines the value', () => {
    const wrong = only('{"data":{"source":"iris"},"diagnostics":{"overfitting":{"generalizationLossAlpha":true}}}', 'diagnostics.overfitting.generalizationLossAlpha');
    assert.equal(wrong.underlined, 'true');
    assert.match(wrong.problem.message, /must be a number/);
  });
});

describe('loadConfigFile', () => {
  test('resolves relative paths against the config folder, whatever the working directory', async () => {
    const loaded = await loadConfigFile('test/fixtures/config/relative.losslens.json');
    assert.equal(loaded.dir, path.resolve('test/fixtures/config'));
    assert.equal(loaded.config.name, 'relative');
    assert.equal(loaded.config.data.train, 'sub/train.csv');
  });

  test('throws ConfigError "<file>: <key.path>: <what> (did you mean ...)"', async () => {
    const file = 'test/fixtures/config/bad-key.losslens.json';
    await assert.rejects(loadConfigFile(file), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.message, `${file}: optimizer.learnigRate: unknown key "learnigRate" in "optimizer" (did you mean "learningRate"?)`);
      return true;
    });
  });

  test('a missing file and a syntax error name the file (and the line)', async () => {
    await assert.rejects(loadConfigFile('test/fixtures/config/nope.losslens.json'), /nope\.losslens\.json: no such file/);
    await assert.rejects(loadConfigFile('test/fixtures/config/syntax.losslens.json'), /syntax\.losslens\.json: line 3, column \d+: JSON syntax error/);
  });
});
