/** Bounded quoting of inputs in messages. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { QUOTE_MAX_CHARS, QUOTED_LIST_MAX, WITHHELD, quote, quoteList } from '../../../src/text/quote';

describe('quote', () => {
  test('short text is a JSON string literal, control characters escaped', () => {
    assert.equal(quote('red'), '"red"');
    assert.equal(quote('a"b'), '"a\\"b"');
    // A terminal escape sequence in a cell reaches the terminal as text, not as an escape.
    assert.equal(quote('\u001b[31mred'), '"\\u001b[31mred"');
    assert.equal(quote('x'.repeat(QUOTE_MAX_CHARS)), JSON.stringify('x'.repeat(QUOTE_MAX_CHARS)));
  });

  test('a 7 MB name shows its first 200 characters and its length', () => {
    const name = 'h'.repeat(7 << 20);
    const q = quote(name);
    assert.equal(q, `"${'h'.repeat(200)}…" (7,340,032 characters)`);
  });

  test('the cut never splits a surrogate pair', () => {
    const text = `${'a'.repeat(QUOTE_MAX_CHARS - 1)}😀${'b'.repeat(10)}`;
    const q = quote(text);
    assert.ok(!q.includes('\\ud83d'), q);
    assert.ok(q.startsWith(`"${'a'.repeat(QUOTE_MAX_CHARS - 1)}…"`), q);
  });
});

describe('quoteList', () => {
  test('10,001 column names: the first QUOTED_LIST_MAX, then a count', () => {
    const names = Array.from({ length: 10001 }, (_, i) => `col${i}`);
    const list = quoteList(names);
    assert.ok(list.startsWith('"col0", "col1", '), list);
    assert.ok(list.endsWith(`"col${QUOTED_LIST_MAX - 1}" and 9,981 more`), list);
    assert.equal(quoteList(['a', 'b']), '"a", "b"');
  });

  test('withheld contents show nothing of the values', () => {
    assert.equal(WITHHELD.quote('AKIAIOSFODNN7EXAMPLE'), '(not shown)');
    assert.equal(WITHHELD.list(['AWS_SECRET', 'x']), '2 (not shown)');
  });
});
