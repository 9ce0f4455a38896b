/** Errors that mean "the user's input is wrong" (exit 2, message only) rather than a bug (exit 1). */
import { ConfigError } from '../config/errors';
import { DataError } from '../data/dataset';
import { TrainingInputError } from '../engine/errors';
import { LogError } from '../logs/errors';
import { RunFolderError } from './errors';

export function isBadInput(error: unknown): boolean {
  return error instanceof ConfigError || error instanceof DataError || error instanceof TrainingInputError || error instanceof LogError || error instanceof RunFolderError;
}

/**
 * The message to show. A DataError's message may not repeat its file/row/column; add what is
 * missing so the user always learns where to look.
 */
export function describeError(error: unknown): string {
  if (error instanceof DataError) {
    const where = [error.file && !error.message.includes(error.file) ? error.file : undefined, error.row !== undefined && !/\brow\b/i.test(error.message) ? `row ${error.row}` : undefined, error.column !== undefined && !error.message.includes(error.column) ? `column "${error.column}"` : undefined].filter(Boolean);
    return where.length ? `${where.join(', ')}: ${error.message}` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
