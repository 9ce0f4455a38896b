import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import schema from '../../../src/config/losslens.schema.json';
import { validateConfigText } from '../../../src/config/validate';
import { allKeyPaths } from '../../../src/config/schema';

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
});
