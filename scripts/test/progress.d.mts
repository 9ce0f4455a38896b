// Types of progress.mjs for the TypeScript tests.
export declare const MOCHA_TEST_START: string;
export declare const PROGRESS_EVENT: string;
export declare class TestProgress {
  constructor(root?: string);
  readonly root: string;
  passed: number;
  failed: number;
  event(ev: { kind: string; name?: string; nesting?: number; file?: string; suite?: boolean }): void;
  line(text: string): boolean;
  where(): string | null;
}
