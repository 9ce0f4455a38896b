/**
 * Quoting inputs in messages, bounded. A header name, a cell, a category, a class label, a run
 * name or a line of a file can be megabytes long; a message shows the first QUOTE_MAX_CHARS
 * characters and the length, and a list shows its first QUOTED_LIST_MAX names and a count of the
 * rest. Quotes are JSON string literals, so control characters (a terminal escape sequence in a
 * cell) are shown escaped, never sent to the terminal.
 */

/** Characters of one quoted input shown in a message; the rest is counted. */
export const QUOTE_MAX_CHARS = 200;
/** Names of a list (columns, classes) shown in a message; the rest is counted. */
export const QUOTED_LIST_MAX = 20;

const count = new Intl.NumberFormat('en-US');

/** `"abc"`, or `"abc…" (7,340,032 characters)` past QUOTE_MAX_CHARS. */
export function quote(text: string): string {
  if (text.length <= QUOTE_MAX_CHARS) return JSON.stringify(text);
  // Do not cut a surrogate pair in two (the half would print as U+FFFD).
  let end = QUOTE_MAX_CHARS;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${JSON.stringify(`${text.slice(0, end)}…`)} (${count.format(text.length)} characters)`;
}

/** `"a", "b", "c"`, or the first QUOTED_LIST_MAX quoted and `and 9,981 more`. */
export function quoteList(items: readonly string[], max: number = QUOTED_LIST_MAX): string {
  const shown = items.slice(0, max).map(quote).join(', ');
  return items.length > max ? `${shown} and ${count.format(items.length - max)} more` : shown;
}

/**
 * How the messages about one file quote what it holds. A file outside the config's folder and the
 * workspace (a config may name any path, e.g. ~/.aws/credentials) is read, but nothing of its
 * text appears in a message: an error would otherwise print a line of it into a terminal or a
 * CI log.
 */
export interface Quoting {
  /** One value from the file (a name, a cell, a label), bounded. */
  quote(text: string): string;
  /** Names from the file, bounded in count and length. */
  list(items: readonly string[]): string;
  /** False when the file's contents are withheld from messages. */
  readonly shown: boolean;
}

export const SHOWN: Quoting = { quote, list: (items) => quoteList(items), shown: true };

/** Withholds the contents: each value reads "(not shown)"; the message says why once (see `WITHHELD_REASON`). */
export const WITHHELD: Quoting = {
  quote: () => '(not shown)',
  list: (items) => `${count.format(items.length)} (not shown)`,
  shown: false,
};

/** Formats a count as the messages do: 10001 -> "10,001". */
export function formatCount(n: number): string {
  return count.format(n);
}
