import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'jsonc-parser/lib/esm/main.js';
import { applyConfigEdits, fixReplacement, keyRangeOf, minimalReplacement, suggestionReplacement, type TextReplacement } from '../../../src/editor/jsoncEdits';
import { validateConfigText } from '../../../src/config/validate';

const apply = (text: string, r: TextReplacement | undefined): string => (r ? text.slice(0, r.offset) + r.content + text.slice(r.offset + r.length) : text);

const CONFIG = `// my experiment
{
  "data": { "source": "iris" },   // bundled
  "optimizer": {
    "type": "sgd",
    "learningRate": 5 // far too high
  },
  /* keep this */
  "training": { "epochs": 40 }
}
`;

describe('fix edits on JSONC text', () => {
  test('changing a present key keeps every comment and the rest of the text', () => {
    const out = applyConfigEdits(CONFIG, [{ path: 'optimizer.learningRate', value: 0.05 }]);
    assert.equal(out, CONFIG.replace('"learningRate": 5 ', '"learningRate": 0.05 '));
  });

  test('adding keys under a missing parent creates it, keeps comments, and yields valid config', () => {
    const out = applyConfigEdits(CONFIG, [
      { path: 'regularization.l2', value: 0.001 },
      { path: 'training.earlyStopping', value: { patience: 5, minDelta: 0, restoreBest: true } },
    ]);
    for (const comment of ['// my experiment', '// bundled', '// far too high', '/* keep this */']) assert.ok(out.includes(comment), comment);
    const value = parse(out) as { regularization: { l2: number }; training: { epochs: number; earlyStopping: { patience: number } } };
    assert.equal(value.regularization.l2, 0.001);
    assert.equal(value.training.epochs, 40);
    assert.equal(value.training.earlyStopping.patience, 5);
    assert.deepEqual(
      validateConfigText(out, '/tmp/x.losslens.json').problems.filter((p) => p.severity === 'error'),
      [],
    );
  });

  test('fixReplacement is one minimal replacement equal to the full edit', () => {
    const edits = [{ path: 'optimizer.learningRate', value: 0.01 }];
    const r = fixReplacement(CONFIG, edits)!;
    assert.equal(apply(CONFIG, r), applyConfigEdits(CONFIG, edits));
    assert.ok(r.length <= 2 && r.content.length <= 5, JSON.stringify(r));
    assert.equal(fixReplacement(CONFIG, [{ path: 'optimizer.learningRate', value: 5 }]), undefined);
  });

  test('minimalReplacement strips the common prefix and suffix', () => {
    assert.deepEqual(minimalReplacement('abcXYdef', 'abcZdef'), { offset: 3, length: 2, content: 'Z' });
    assert.equal(minimalReplacement('same', 'same'), undefined);
  });
});

describe('validator suggestions as edits', () => {
  const problemOf = (text: string) => {
    const p = validateConfigText(text, '/tmp/x.losslens.json').problems.find((q) => q.suggestion !== undefined);
    assert.ok(p, 'the validator should suggest something');
    return { ...p, suggestion: p.suggestion! };
  };

  test('an unknown key is renamed to the suggestion, value and comments kept', () => {
    const text = '{\n  "data": { "source": "iris" },\n  "optimizer": { "learningRat": 0.1 } // typo\n}\n';
    const out = apply(text, suggestionReplacement(text, problemOf(text)));
    assert.equal(out, text.replace('"learningRat"', '"learningRate"'));
    assert.deepEqual(validateConfigText(out, '/tmp/x.losslens.json').problems, []);
  });

  test('a misspelt enum value is replaced', () => {
    const text = '{ "data": { "source": "iris" }, "model": { "activation": "rlu" } }';
    const out = apply(text, suggestionReplacement(text, problemOf(text)));
    assert.equal(out, text.replace('"rlu"', '"relu"'));
  });

  test('a key in the wrong object moves to the dotted path the validator suggests', () => {
    const text = '{\n  "data": { "source": "iris" },\n  "learningRate": 0.1\n}\n';
    const out = apply(text, suggestionReplacement(text, problemOf(text)));
    assert.deepEqual(parse(out), { data: { source: 'iris' }, optimizer: { learningRate: 0.1 } });
    assert.deepEqual(validateConfigText(out, '/tmp/x.losslens.json').problems, []);
  });
});

describe('keyRangeOf', () => {
  test('finds the key, else the deepest present ancestor', () => {
    const r = keyRangeOf(CONFIG, ['optimizer', 'learningRate']);
    assert.equal(CONFIG.slice(r.offset, r.offset + r.length), '"learningRate"');
    const a = keyRangeOf(CONFIG, ['optimizer', 'momentum']);
    assert.equal(CONFIG.slice(a.offset, a.offset + a.length), '"optimizer"');
    assert.deepEqual(a.found, ['optimizer']);
    const none = keyRangeOf(CONFIG, ['loss', 'labelSmoothing']);
    assert.equal(CONFIG[none.offset], '{');
  });
});

describe('fix edits take the style of the object they edit', () => {
  const earlyStopping = { path: 'training.earlyStopping', value: { patience: 5, minDelta: 0, restoreBest: true } };

  test('a one-line object stays on one line, its spacing copied', () => {
    const text = '{\n  "data": { "source": "iris" },\n  "training": { "epochs": 120, "earlyStopping": false }\n}\n';
    assert.equal(applyConfigEdits(text, [earlyStopping]), '{\n  "data": { "source": "iris" },\n  "training": { "epochs": 120, "earlyStopping": { "patience": 5, "minDelta": 0, "restoreBest": true } }\n}\n');
    const tight = '{"training":{"epochs":120}}';
    assert.equal(applyConfigEdits(tight, [{ path: 'training.epochs', value: 9 }, { path: 'training.earlyStopping', value: false }]), '{"training":{"epochs":9,"earlyStopping":false}}');
  });

  test('a multi-line object gets the key on its own line, after the comment that ends the line before', () => {
    const text = '{\n  "data": { "source": "iris" },\n  "training": {\n    "epochs": 120 // long\n  }\n}\n';
    assert.equal(
      applyConfigEdits(text, [earlyStopping]),
      '{\n  "data": { "source": "iris" },\n  "training": {\n    "epochs": 120, // long\n    "earlyStopping": {\n      "patience": 5,\n      "minDelta": 0,\n      "restoreBest": true\n    }\n  }\n}\n',
    );
  });

  test('tabs and CRLF are kept; a missing parent is created in the file style', () => {
    const text = '{\r\n\t"data": {\r\n\t\t"source": "iris"\r\n\t}\r\n}\r\n';
    assert.equal(applyConfigEdits(text, [{ path: 'regularization.l2', value: 0.001 }]), '{\r\n\t"data": {\r\n\t\t"source": "iris"\r\n\t},\r\n\t"regularization": {\r\n\t\t"l2": 0.001\r\n\t}\r\n}\r\n');
    // Beside one-line objects the new one is written on one line too.
    assert.equal(applyConfigEdits('{\n  "data": { "source": "iris" }\n}\n', [{ path: 'regularization.l2', value: 0.001 }]), '{\n  "data": { "source": "iris" },\n  "regularization": { "l2": 0.001 }\n}\n');
  });

  test('an empty file falls back to jsonc-parser (no object to take a style from)', () => {
    assert.deepEqual(parse(applyConfigEdits('', [{ path: 'training.epochs', value: 9 }])), { training: { epochs: 9 } });
  });
});
