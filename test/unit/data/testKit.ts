/** Shared by the data tests: temporary CSV folders, DataError assertions, row access, float32 rounding. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataError } from '../../../src/data/dataset';
import assert from 'node:assert/strict';

/** Runs `body` with a temporary folder holding the given files (name, maybe in subfolders -> text or bytes), removed afterwards. */
export async function withFiles<T>(files: Record<string, string | Buffer>, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'losslens-data-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), content);
    }
    return await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Asserts a promise rejects with a DataError whose message contains every fragment and whose fields match. */
export async function rejectsWithDataError(promise: Promise<unknown>, fragments: readonly string[], fields: Partial<Record<'file' | 'row' | 'column', unknown>> = {}): Promise<DataError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof DataError, `expected a DataError, got ${String(caught)}`);
  for (const f of fragments) assert.ok(caught.message.includes(f), `message "${caught.message}" lacks "${f}"`);
  for (const [key, value] of Object.entries(fields)) assert.equal((caught as unknown as Record<string, unknown>)[key], value, key);
  return caught;
}

/** Row `r` of a row-major split as plain numbers. */
export function rowOf(x: Float32Array, features: number, r: number): number[] {
  return [...x.subarray(r * features, (r + 1) * features)];
}

/** Float32 rounding of a float64 value, for exact comparisons with encoded features. */
export const f32 = (v: number): number => Math.fround(v);
