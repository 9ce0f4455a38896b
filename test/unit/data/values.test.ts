import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/rng';
import { isMissing, parseNumber } from '../../../src/data/values';

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** The reference: the decimal-literal grammar as a regular expression, then Number(). */
const reference = (s: string): number | undefined => (DECIMAL.test(s) && Number.isFinite(Number(s)) ? Number(s) : undefined);

test('parseNumber accepts exactly plain decimal literals', () => {
  const cases: [string, number | undefined][] = [
    ['-1', -1], ['2.', 2], ['.5', 0.5], ['+.5', 0.5], ['6.02e23', 6.02e23], ['1E-3', 0.001], ['007', 7],
    ['0x1F', undefined], ['0b1', undefined], ['1_000', undefined], ['Infinity', undefined], ['1,5', undefined],
    ['.', undefined], ['e5', undefined], ['1e', undefined], ['--1', undefined], ['1.2.3', undefined], ['', undefined], ['1e999', undefined],
  ];
  for (const [text, expected] of cases) assert.equal(parseNumber(text), expected, text);
});

test('parseNumber agrees with the regular-expression reference on random strings over its alphabet', () => {
  const rng = Rng.forRun(5).stream('strings');
  const alphabet = '0123456789.+-eEx ';
  for (let i = 0; i < 20000; i++) {
    const length = 1 + rng.int(6);
    let s = '';
    for (let k = 0; k < length; k++) s += alphabet[rng.int(alphabet.length)];
    assert.equal(parseNumber(s), reference(s), JSON.stringify(s));
  }
});

test('missing tokens are exact after trimming, case-sensitive for NA', () => {
  for (const t of ['', '?', 'NA', 'N/A', 'NaN', 'nan']) assert.ok(isMissing(t), t);
  for (const t of ['na', 'none', 'null', 'None', '0', '-', 'NAN ']) assert.ok(!isMissing(t), t);
});
