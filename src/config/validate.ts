/**
 * `validateConfigText`: the one entry point for checking a `*.losslens.json` text, used by the editor
 * (Problems panel, live as the user types) and by `loadConfigFile` (CLI, worker).
 * Order: JSON syntax, then the schema (types, ranges, enums, unknown keys), then the rules between
 * keys and the files the config names. A later stage runs only when the earlier found no error, so a
 * single mistake is never reported three ways.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fillDefaults } from './defaults';
import { getNodeValue, parseTree, printParseErrorCode, type ParseError } from './jsonc';
import type { ConfigProblem } from './problems';
import { CONFIG_SCHEMA } from './schema';
import { validateNode } from './schemaWalker';
import { checkSemantics } from './semantics';
import type { LossLensConfig } from './types';

export interface ConfigValidation {
  /** The resolved config (every default filled in), present when there is no error-severity problem. */
  readonly config?: LossLensConfig;
  readonly problems: ConfigProblem[];
}

export interface ValidateOptions {
  /** Defaults to `fs.existsSync`. */
  readonly fileExists?: (absolutePath: string) => boolean;
}

/** jsonc-parser's error codes, in words a person reads. */
const SYNTAX_MESSAGES: Record<string, string> = {
  InvalidSymbol: 'invalid character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'a key in double quotes was expected',
  ValueExpected: 'a value was expected',
  ColonExpected: 'a colon ":" was expected',
  CommaExpected: 'a comma "," was expected',
  CloseBraceExpected: 'a closing brace "}" was expected',
  CloseBracketExpected: 'a closing bracket "]" was expected',
  EndOfFileExpected: 'the file should end here',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'a comment is not closed',
  UnexpectedEndOfString: 'a string is not closed',
  UnexpectedEndOfNumber: 'a number is cut short',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string',
};

export function validateConfigText(text: string, filePath: string, options: ValidateOptions = {}): ConfigValidation {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  if (errors.length || !root) {
    const problems = errors.map((e): ConfigProblem => {
      const code = printParseErrorCode(e.error);
      // jsonc-parser may place an end-of-file error one past the end: keep ranges inside the text.
      const offset = Math.min(e.offset, text.length);
      const length = Math.min(e.length > 0 ? e.length : 1, text.length - offset);
      return { message: `JSON syntax error: ${SYNTAX_MESSAGES[code] ?? code}`, path: [], offset, length, severity: 'error' };
    });
    if (!problems.length) problems.push({ message: 'the file is empty; a config needs at least "data"', path: [], offset: 0, length: 0, severity: 'error' });
    return { problems };
  }

  const problems: ConfigProblem[] = [];
  validateNode(root, CONFIG_SCHEMA, [], problems);
  if (problems.length) return { problems };

  const raw = getNodeValue(root) as Record<string, unknown>;
  const config = fillDefaults(raw, filePath);
  problems.push(...checkSemantics(root, raw, config, path.dirname(path.resolve(filePath)), { fileExists: options.fileExists ?? existsSync }));
  return problems.some((p) => p.severity === 'error') ? { problems } : { config, problems };
}
