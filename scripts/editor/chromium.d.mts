// Types of chromium.mjs for the TypeScript tests (test/webview/harness.ts).
export declare const CHROMIUM_CANDIDATES: readonly string[];
export declare function chromiumPath(): string | null;
export declare function chromiumUnavailable(): { forced: boolean; message: string } | null;
export declare function chromiumLaunchOptions(executablePath: string, headless?: boolean): { executablePath: string; headless: boolean; args: string[] };
