/**
 * The editor validates on every keystroke, so validateConfigText must return problems — never
 * throw — for any text, and every range must lie inside the text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { validateConfigText } from '../../../src/config/validate';

const anyFile = { fileExists: (p: string): boolean => !p.includes('missing') };

function check(text: string): void {
  let result;
  try {
    result = validateConfigText(text, '/ws/x.losslens.json', anyFile);
  } catch (e) {
    assert.fail(`threw on ${JSON.stringify(text)}: ${(e as Error).stack}`);
  }
  for (const p of result.problems) {
    assert.ok(p.offset >= 0 && p.length >= 0 && p.offset + p.length <= Math.max(text.length, 1), `range ${p.offset}+${p.length} outside ${JSON.stringify(text)}`);
    assert.ok(p.message.length > 0);
  }
  assert.ok(result.config !== undefined || result.problems.some((p) => p.severity === 'error'), 'no config means at least one error');
}

test('every prefix of real configs (as typed) validates without throwing', () => {
  for (const name of ['credit-g', 'glass', 'miscalibrated']) {
    const text = readFileSync(`examples/${name}.losslens.json`, 'utf8');
    for (let i = 0; i <= text.length; i++) check(text.slice(0, i));
  }
});

test('random edits of a config validate without throwing (seeded)', () => {
  const base = readFileSync('examples/credit-g.losslens.json', 'utf8');
  const alphabet = ['{', '}', '[', ']', '"', ':', ',', '0', '-1', '1e9', 'true', 'null', 'x', ' ', '\n', '/*', '//', '"data"', '"train"', '"missing.csv"'];
  let state = 12345;
  const random = (n: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % n;
  };
  for (let trial = 0; trial < 2000; trial++) {
    let text = base;
    for (let edit = 0; edit < 1 + random(3); edit++) {
      const at = random(text.length + 1);
      const cut = random(4);
      text = text.slice(0, at) + alphabet[random(alphabet.length)] + text.slice(at + cut);
    }
    check(text);
  }
});
