/**
 * `validateConfigText`: the one entry point for checking a `*.losslens.json` text, used by the editor
 * (Problems panel, live as the user types) and by `loadConfigFile` (CLI, worker).
 * Order: JSON syntax, then the schema (types, ranges, enums, unknown keys), then the rules between
 * keys and the files the config names. A later stage runs only when the earlier found no error, so a
 * single mistake is never reported three ways.
 */
import * as path from 'node:path';
import { regularFileProblem } from '../files/regularFile';
import { fillDefaults } from './defaults';
import { createScanner, findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type ParseError } from './jsonc';
import type { ConfigProblem } from './problems';
import { CONFIG_SCHEMA } from './schema';
import { validateNode, type WalkContext } from './schemaWalker';
import { optimizerTypeOf, optimizerTypesTaking } from './optimizerKeys';
import { checkSemantics } from './semantics';
import type { LossLensConfig } from './types';

export interface ConfigValidation {
  /** The resolved config (every default filled in), present when there is no error-severity problem. */
  readonly config?: LossLensConfig;
  readonly problems: ConfigProblem[];
}

export interface ValidateOptions {
  /** Whether a file exists; a shorthand for `fileProblem` answering only "no such file". */
  readonly fileExists?: (absolutePath: string) => boolean;
  /** Why a path is not a readable regular file, or undefined; defaults to a stat of the path (regularFile.ts). */
  readonly fileProblem?: (absolutePath: string) => string | undefined;
}

function fileProblemOf(options: ValidateOptions): (absolutePath: string) => string | undefined {
  if (options.fileProblem) return options.fileProblem;
  const exists = options.fileExists;
  return exists ? (p) => (exists(p) ? undefined : 'no such file') : regularFileProblem;
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

/**
 * The deepest nesting a config may have. A real one is 3 levels deep (`diagnostics.<detector>.<key>`);
 * jsonc-parser and the schema walk recurse once per level, and about 8,000 levels overflow the
 * stack. The limit is checked by a flat token scan before anything recursive runs, on every keystroke.
 */
export const MAX_CONFIG_DEPTH = 64;

/** jsonc-parser's SyntaxKind values for brackets (a const enum, which isolated modules cannot import). */
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const EOF = 17;

/** The offset of the first bracket nested deeper than MAX_CONFIG_DEPTH, or -1. */
function tooDeepAt(text: string): number {
  const scanner = createScanner(text, true);
  let depth = 0;
  for (let kind = scanner.scan(); kind !== EOF; kind = scanner.scan()) {
    if (kind === OPEN_BRACE || kind === OPEN_BRACKET) {
      if (++depth > MAX_CONFIG_DEPTH) return scanner.getTokenOffset();
    } else if (kind === CLOSE_BRACE || kind === CLOSE_BRACKET) {
      depth--;
    }
  }
  return -1;
}

/** An optimizer takes only its type's keys (optimizerKeys.ts): a typo is never told to become another type's key. */
const WALK_CONTEXT: WalkContext = {
  keyApplies: (objectPath, objectNode, key) => {
    if (objectPath.length !== 1 || objectPath[0] !== 'optimizer') return { applies: true };
    const type = optimizerTypeOf(findNodeAtLocation(objectNode, ['type'])?.value);
    const types = optimizerTypesTaking(key);
    return types.includes(type) ? { applies: true } : { applies: false, why: `is for ${types.map((t) => `"${t}"`).join(' and ')} only; optimizer.type is "${type}"` };
  },
};

export function validateConfigText(text: string, filePath: string, options: ValidateOptions = {}): ConfigValidation {
  const deep = tooDeepAt(text);
  if (deep >= 0) {
    return { problems: [{ message: `nested more than ${MAX_CONFIG_DEPTH} levels deep (a Loss Lens config is 3 levels deep); the rest of the file is not checked`, path: [], offset: deep, length: 1, severity: 'error' }] };
  }
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
  validateNode(root, CONFIG_SCHEMA, [], problems, WALK_CONTEXT);
  if (problems.length) return { problems };

  const raw = getNodeValue(root) as Record<string, unknown>;
  const config = fillDefaults(raw, filePath);
  problems.push(...checkSemantics(root, raw, config, path.dirname(path.resolve(filePath)), { fileProblem: fileProblemOf(options) }));
  return problems.some((p) => p.severity === 'error') ? { problems } : { config, problems };
}
