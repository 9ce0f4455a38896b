import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import schema from '../../../src/config/losslens.schema.json';
import { validateConfigText } from '../../../src/config/validate';
import { allKeyPaths } from '../../../src/config/schema';
import type { LossLensConfig } from '../../../src/config/types';

const anyFile = { fileExists: () => true };

describe('the JSON schema (the file the editor uses)', () => {
  const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
  ajv.addVocabulary(['markdownDescription', 'enumDescriptions']);
  const check = ajv.compile(schema);

  test('is a valid draft-07 schema in ajv strict mode', () => {
    assert.equal(typeof check, 'function');
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  });

  test('every key has a description for hover docs', () => {
    for (const key of allKeyPaths()) {
      const parts = key.split('.');
      let node: Record<string, unknown> = schema as unknown as Record<string, unknown>;
      for (const part of parts) {
        const props = (node.properties ?? (node.anyOf as Record<string, unknown>[] | undefined)?.find((b) => b.properties)?.properties) as Record<string, Record<string, unknown>>;
        node = props[part]!;
      }
      assert.equal(typeof node.description, 'string', `${key} has no description`);
    }
  });

  test('ajv and the range-keeping validator agree on what the schema accepts', () => {
    const cases = [
      '{"data":{"source":"iris"}}',
      '{"data":{"source":"iris"},"training":{"earlyStopping":false,"gradientClip":1}}',
      '{"data":{"source":"iris"},"training":{"earlyStopping":true}}',
      '{"data":{"source":"iris"},"training":{"gradientClip":0}}',
      '{"data":{"source":"iris"},"loss":{"classWeights":{"a":2}}}',
      '{"data":{"source":"iris"},"loss":{"classWeights":"balnced"}}',
      '{"data":{"source":"iris"},"model":{"hidden":[0]}}',
      '{"data":{"source":"iris"},"model":{"hidden":[2.5]}}',
      '{"data":{"source":"iris"},"optimizer":{"lr":1}}',
      '{"data":{"source":"iris"},"diagnostics":{"overfitting":{"generalizationLossAlpha":3}}}',
      '{"data":{"source":"iris"},"diagnostics":{"overfitting":3}}',
      '{"seed":-1,"data":{"source":"iris"}}',
      '{}',
    ];
    for (const text of cases) {
      const ours = validateConfigText(text, 'x.losslens.json', anyFile).problems.filter((p) => p.severity === 'error').length === 0;
      assert.equal(ours, check(JSON.parse(text)), text);
    }
  });

  test('the resolved config type mirrors the schema: the same key paths', () => {
    // Typed as LossLensConfig, so a key the type lacks does not compile; the comparison below fails
    // on a schema key the type (this literal) lacks.
    const everyKey: LossLensConfig = {
      name: 'n',
      seed: 0,
      data: { source: 's', train: 't', validation: 'v', target: 'y', encoding: 'utf-8', validationSplit: 0.2, standardize: true, missing: 'error', shuffle: true, synthetic: { samples: 1, noise: 0 } },
      model: { hidden: [1], activation: 'relu', dropout: 0, output: 'auto', init: 'he' },
      loss: { labelSmoothing: 0, classWeights: 'none' },
      optimizer: { type: 'adam', learningRate: 1, momentum: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
      regularization: { l1: 0, l2: 0 },
      training: { epochs: 1, batchSize: 1, gradientClip: null, earlyStopping: { patience: 1, minDelta: 0, restoreBest: true } },
      diagnostics: {},
    };
    const paths = (o: object, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => {
        const p = prefix ? `${prefix}.${k}` : k;
        return typeof v === 'object' && v !== null && !Array.isArray(v) && k !== 'diagnostics' ? [p, ...paths(v as object, p)] : [p];
      });
    assert.deepEqual(paths(everyKey).sort(), allKeyPaths().sort());
  });
});
