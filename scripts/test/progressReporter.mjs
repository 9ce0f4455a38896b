// A node:test reporter for the test command's watchdog (progress.mjs): one line per event, the
// PROGRESS_EVENT marker then JSON, on the runner's stderr (the spec reporter has stdout; an extra
// fd will not do: node's stdio pipes are sockets, and /dev/fd/N of a socket cannot be opened).
// "start" when a test is dequeued (about to run: node reports a result only once a test ends, so
// this is how the watchdog knows which one is running), "end" when it has run, "pass"/"fail" (a
// count that survives the layer being killed before node's summary), "other" for the rest
// (output, diagnostics), which still counts as progress.
import { PROGRESS_EVENT } from './progress.mjs';

const KINDS = { 'test:dequeue': 'start', 'test:complete': 'end', 'test:pass': 'pass', 'test:fail': 'fail' };

export default async function* progressReporter(source) {
  for await (const { type, data } of source) {
    const suite = data?.details?.type === 'suite';
    yield `${PROGRESS_EVENT}${JSON.stringify({ kind: KINDS[type] ?? 'other', name: data?.name, nesting: data?.nesting, file: data?.file, suite })}\n`;
  }
}
