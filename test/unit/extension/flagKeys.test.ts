import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { flagAnchor, flagKeyPaths, FLAG_KEYS } from '../../../src/editor/flagKeys';
import type { Flag, FlagKind } from '../../../src/model';

const flag = (kind: FlagKind, fixPaths: string[] = []): Flag => ({
  kind,
  severity: 'warning',
  epoch: 3,
  message: 'm',
  evidence: {},
  fix: fixPaths.length ? [{ title: 't', edits: fixPaths.map((path) => ({ path, value: 1 })) }] : [],
});

const TEXT = `{
  "data": { "source": "digits" },
  "optimizer": { "type": "sgd", "learningRate": 3 },
  "loss": { "labelSmoothing": 0 },
  "training": { "epochs": 300, "batchSize": 32 }
}`;
const at = (r: { offset: number; length: number }): string => TEXT.slice(r.offset, r.offset + r.length);

describe('flag -> config key', () => {
  test('the contract examples: exploding loss on optimizer.learningRate, overfitting on training.epochs, miscalibration on loss.labelSmoothing', () => {
    const exploding = flagAnchor(TEXT, flag('exploding-loss'));
    assert.equal(exploding.key, 'optimizer.learningRate');
    assert.equal(at(exploding), '"learningRate"');
    const overfitting = flagAnchor(TEXT, flag('overfitting', ['regularization.l2']));
    assert.equal(overfitting.key, 'training.epochs');
    assert.equal(at(overfitting), '"epochs"');
    assert.equal(at(flagAnchor(TEXT, flag('miscalibration'))), '"labelSmoothing"');
  });

  test('a key left at its default falls back to its nearest present ancestor', () => {
    const text = '{ "data": { "source": "iris" }, "loss": {} }';
    const a = flagAnchor(text, flag('class-imbalance'));
    assert.equal(text.slice(a.offset, a.offset + a.length), '"loss"');
    const b = flagAnchor(text, flag('exploding-loss'));
    assert.equal(text[b.offset], '{');
  });

  test('a fix path present in the text is used when the kind keys are absent', () => {
    const text = '{ "data": { "source": "iris" }, "model": { "dropout": 0 } }';
    const a = flagAnchor(text, flag('overfitting', ['model.dropout']));
    assert.equal(a.key, 'model.dropout');
    assert.equal(text.slice(a.offset, a.offset + a.length), '"dropout"');
  });

  test('every kind names at least one key, and fix paths are appended without duplicates', () => {
    for (const [kind, keys] of Object.entries(FLAG_KEYS)) assert.ok(keys.length > 0, kind);
    assert.deepEqual(flagKeyPaths(flag('plateau', ['optimizer.learningRate', 'optimizer.type'])), ['optimizer.learningRate', 'optimizer.type']);
  });
});
