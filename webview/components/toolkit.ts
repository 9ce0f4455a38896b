/**
 * The ONLY place that imports `@vscode/webview-ui-toolkit`. The toolkit was deprecated upstream on
 * 2025-01-01; its successor is `@vscode-elements/elements`. Everything else in the webview builds its
 * controls through the small functions in this folder, so moving to the successor is a change here.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDivider,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeProgressRing,
} from '@vscode/webview-ui-toolkit';

let registered = false;

/** Registers the custom elements once; safe to call again. */
export function registerComponents(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeButton(),
    vsCodeCheckbox(),
    vsCodeDivider(),
    vsCodeDropdown(),
    vsCodeOption(),
    vsCodeProgressRing(),
  );
}
