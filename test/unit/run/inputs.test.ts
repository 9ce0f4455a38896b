/**
 * What a run checks before it allocates or trains: class weights that
 * leave a split weightless, model.init files that are not regular files or hold weights past
 * float32, and models too large for memory. Each was a NaN blamed on the learning rate, a hang,
 * or an exit 1 before.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../../../src/config/errors';
import { TrainingInputError } from '../../../src/engine/errors';
import { parseModelJson } from '../../../src/engine/modelJson';
import { WITHHELD } from '../../../src/text/quote';
import { runTraining } from '../../../src/run/runTraining';
import { scratchFolders } from '../helpers/scratch';

const tmp = scratchFolders('losslens-run-inputs-');

/** Runs the config text in a fresh folder (with `files` beside it); resolves to the error it fails with. */
async function failure(text: string, files: Record<string, string> = {}, setup?: (dir: string) => void): Promise<Error> {
  const dir = tmp();
  for (const [name, body] of Object.entries(files)) writeFileSync(path.join(dir, name), body);
  setup?.(dir);
  const configPath = path.join(dir, 'c.losslens.json');
  writeFileSync(configPath, text);
  try {
    await runTraining({ configPath, runDir: path.join(dir, 'run') });
  } catch (err) {
    return err as Error;
  }
  assert.fail('the run did not fail');
}

const IRIS_MODEL = {
  format: 'loss-lens-model/1',
  inputSize: 4,
  classes: ['setosa', 'versicolor', 'virginica'],
  output: 'softmax',
  layers: [{ weight: [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], bias: [0, 0, 0], activation: 'softmax' }],
};

describe('class weights', () => {
  test('all zero is refused naming loss.classWeights, before training', async () => {
    const e = await failure('{"data":{"source":"iris"},"loss":{"classWeights":{"setosa":0,"versicolor":0,"virginica":0}}}');
    assert.ok(e instanceof ConfigError, String(e));
    assert.equal(e.message, 'c.losslens.json: loss.classWeights: gives weight 0 to every class of the training rows ("setosa", "versicolor", "virginica"): the weighted loss sum(w·l) / sum(w) would be 0/0; give at least one of them a positive weight'.replace('c.losslens.json', e.file));
  });

  test('weight 0 for every class a split holds is refused too; some zero weights are fine', async () => {
    const csv = 'x,label\n' + Array.from({ length: 8 }, (_, i) => `${i},${i < 4 ? 'a' : 'b'}`).join('\n') + '\n';
    const val = 'x,label\n1,a\n2,a\n';
    const e = await failure('{"data":{"train":"t.csv","validation":"v.csv"},"loss":{"classWeights":{"a":0}}}', { 't.csv': csv, 'v.csv': val });
    assert.match(e.message, /loss\.classWeights: gives weight 0 to every class of the validation rows \("a"\)/);
    const dir = tmp();
    writeFileSync(path.join(dir, 'c.losslens.json'), '{"data":{"source":"iris"},"loss":{"classWeights":{"setosa":0}},"training":{"epochs":1}}');
    await runTraining({ configPath: path.join(dir, 'c.losslens.json'), runDir: path.join(dir, 'run') });
  });
});

describe('model.init', () => {
  test('a weight of 1e39 is refused naming the file and the weight', async () => {
    const model = JSON.stringify(IRIS_MODEL).replace('[[0,0,0,0]', '[[0,1e39,0,0]');
    const e = await failure('{"data":{"source":"iris"},"model":{"hidden":[],"init":"start.json"}}', { 'start.json': model });
    assert.ok(e instanceof TrainingInputError, String(e));
    assert.equal(e.message, 'start.json: layers[0].weight[0][1] is 1e+39, beyond the float32 range training computes in (±3.4028235e38)');
  });

  test('a FIFO is refused at once (nothing ever writes to it), a folder and a Latin-1 file too', async () => {
    const config = (init: string): string => `{"data":{"source":"iris"},"model":{"hidden":[],"init":"${init}"}}`;
    const fifo = await failure(config('pipe.json'), {}, (dir) => execFileSync('mkfifo', [path.join(dir, 'pipe.json')]));
    assert.match(fifo.message, /c\.losslens\.json: model\.init: "pipe\.json" cannot be read: it is a pipe, not a regular file/);
    const folder = await failure(config('.'));
    assert.match(folder.message, /model\.init: "\." cannot be read: it is a directory, not a regular file/);
    const latin1 = await failure(config('m.json'), { 'm.json': JSON.stringify(IRIS_MODEL).replace('setosa', 'r\u00e9d') }, (dir) =>
      writeFileSync(path.join(dir, 'm.json'), Buffer.from(JSON.stringify({ ...IRIS_MODEL, classes: ['r\u00e9d', 'b', 'c'] }), 'latin1')),
    );
    assert.match(latin1.message, /model\.init: "m\.json" cannot be read: line 1, character \d+ \(byte offset \d+\): the byte E9 is not valid UTF-8 text: a model\.json is UTF-8 text/);
  });

  test('a model.json outside the workspace is not quoted, not even by JSON.parse', () => {
    const secret = '{"AWS_SECRET_ACCESS_KEY": wJalrXUtnFEMI}';
    assert.throws(() => parseModelJson(secret, '/home/u/.aws/credentials', WITHHELD), (e: unknown) => {
      assert.ok(e instanceof TrainingInputError);
      assert.match(e.message, /^\/home\/u\/\.aws\/credentials: not valid JSON \(a syntax error( at position \d+[^)]*)?\)$/);
      assert.ok(!/AWS|wJal/.test(e.message), e.message);
      return true;
    });
    assert.throws(() => parseModelJson(JSON.stringify({ ...IRIS_MODEL, format: 'AKIAIOSFODNN7EXAMPLE' }), 'm.json', WITHHELD), /format must be "loss-lens-model\/1", got \(not shown\)$/);
  });
});

describe('models too large for memory', () => {
  test('a layer wide on wide data is refused after the data is read, naming model.hidden', async () => {
    // One input per column: 2,000 features x 65,536 units = 131 million weights, though the
    // validator (one input assumed) let [65536] pass.
    const header = Array.from({ length: 2000 }, (_, i) => `f${i}`).join(',');
    const rows = Array.from({ length: 6 }, (_, r) => `${Array.from({ length: 2000 }, (_, i) => (i + r) % 7).join(',')}`);
    const csv = `${header},label\n${rows.map((row, r) => `${row},${r % 2 ? 'a' : 'b'}`).join('\n')}\n`;
    const e = await failure('{"data":{"source":"wide.csv"},"model":{"hidden":[65536]}}', { 'wide.csv': csv });
    assert.ok(e instanceof ConfigError, String(e));
    assert.match(e.message, /c\.losslens\.json: model\.hidden: \[65536\] makes a model of 131 million weights that needs about \d+\.\d GiB to train .* more than the 2\.0 GiB a run may use/);
  });
});
