/** Strict text decoding: positions of bad bytes, other encodings, streaming. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DecodingError, StreamDecoder, StreamDecodingError, decodeStrict, encodingName } from '../../../src/text/decoding';

/** Latin-1 bytes of `text` (every character below U+0100). */
const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

function decodingError(f: () => unknown): DecodingError {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof DecodingError, String(err));
    return err;
  }
  assert.fail('no DecodingError');
}

/** Feeds `bytes` to a StreamDecoder in chunks of the given sizes; returns the text or the bad offset. */
function stream(bytes: Uint8Array, sizes: readonly number[], encoding = 'utf-8'): { text: string } | { offset: number } {
  const decoder = new StreamDecoder(encoding);
  const out: Buffer[] = [];
  try {
    let at = 0;
    for (let i = 0; at < bytes.length; i++) {
      const size = sizes[i % sizes.length]!;
      out.push(decoder.push(Buffer.from(bytes.subarray(at, at + size))));
      at += size;
    }
    out.push(decoder.end());
  } catch (err) {
    assert.ok(err instanceof StreamDecodingError, String(err));
    return { offset: err.byteOffset };
  }
  return { text: Buffer.concat(out).toString('utf8') };
}

/** The first byte offset at which no valid UTF-8 text can continue (brute force, for reference). */
function referenceBadOffset(bytes: Uint8Array): number {
  if (new TextDecoder('utf-8', { fatal: false }).decode(bytes).indexOf('\uFFFD') < 0) return -1;
  let ok = 0;
  for (let k = 1; k <= bytes.length; k++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, k), { stream: true });
      ok = k;
    } catch {
      break;
    }
  }
  // Back to where the character that failed began.
  let begin = ok;
  for (; begin > 0; begin--) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, begin));
      break;
    } catch {
      // still inside a character
    }
  }
  return begin;
}

describe('decodeStrict', () => {
  test('Latin-1 "réd" is refused with the line, character and byte offset of the bad byte', () => {
    const e = decodingError(() => decodeStrict(latin1('color,n\nblue,1\nr\u00e9d,2\n')));
    assert.deepEqual(e.position, { line: 3, character: 2, byteOffset: 16 });
    assert.equal(e.bytes, 'E9');
    assert.match(e.message, /^line 3, character 2 \(byte offset 16\): the byte E9 is not valid UTF-8 text$/);
  });

  test('characters are counted as code points, a byte order mark is not one', () => {
    const bytes = Buffer.concat([Buffer.from('\ufeffé😀,', 'utf8'), Buffer.from([0xff])]);
    assert.deepEqual(decodingError(() => decodeStrict(bytes)).position, { line: 1, character: 4, byteOffset: 10 });
  });

  test('a named encoding decodes what UTF-8 refuses; the two Latin-1 spellings stay distinct', () => {
    assert.equal(decodeStrict(latin1('r\u00e9d,r\u00e8d'), 'windows-1252'), 'réd,rèd');
    assert.equal(encodingName('latin1'), 'windows-1252');
    assert.equal(encodingName('no-such-encoding'), undefined);
  });

  test('a byte order mark wins over the named encoding', () => {
    assert.equal(decodeStrict(Buffer.from('\ufeffa,b', 'utf16le'), 'windows-1252'), 'a,b');
    assert.equal(decodeStrict(Buffer.from('\ufeffé', 'utf8'), 'windows-1252'), 'é');
  });

  test('a cut-short character at the end is an error, not a replacement', () => {
    const e = decodingError(() => decodeStrict(Buffer.from([0x61, 0xe2, 0x82])));
    assert.deepEqual([e.position.byteOffset, e.bytes], [1, 'E2 82']);
  });
});

describe('StreamDecoder', () => {
  test('a character split across chunks is joined; UTF-8 passes through unchanged', () => {
    const bytes = Buffer.from('a€b😀c', 'utf8');
    for (const size of [1, 2, 3, 5]) assert.deepEqual(stream(bytes, [size]), { text: 'a€b😀c' }, `chunks of ${size}`);
  });

  test('the absolute byte offset of the first bad byte, wherever the chunks are cut (seeded fuzz)', () => {
    let state = 2024;
    const random = (n: number): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    // Mostly valid text with a sprinkle of raw bytes: lead bytes, continuations, overlongs, surrogates.
    const pieces = ['a', 'é', '€', '😀', '\n', ','].map((t) => Buffer.from(t, 'utf8'));
    const raw = [[0xff], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80]].map((b) => Buffer.from(b));
    for (let round = 0; round < 300; round++) {
      const parts: Buffer[] = [];
      const length = 1 + random(40);
      for (let i = 0; i < length; i++) parts.push(random(12) === 0 ? raw[random(raw.length)]! : pieces[random(pieces.length)]!);
      const bytes = Buffer.concat(parts);
      const expected = referenceBadOffset(bytes);
      const sizes = [1 + random(7), 1 + random(7)];
      const got = stream(bytes, sizes);
      if (expected < 0) assert.deepEqual(got, { text: bytes.toString('utf8') }, `round ${round}`);
      else assert.deepEqual(got, { offset: expected }, `round ${round}: ${bytes.toString('hex')} in chunks of ${sizes.join('/')}`);
    }
  });

  test('another encoding is transcoded to UTF-8', () => {
    assert.deepEqual(stream(latin1('r\u00e9d\nr\u00e8d\n'), [2], 'windows-1252'), { text: 'réd\nrèd\n' });
    // A lone low surrogate in UTF-16LE is not text.
    const utf16 = Buffer.concat([Buffer.from('ab\n', 'utf16le'), Buffer.from([0x00, 0xdc]), Buffer.from('c', 'utf16le')]);
    assert.deepEqual(stream(utf16, [4], 'utf-16le'), { offset: 6 });
  });
});
