/**
 * Controls built from toolkit elements (tag names `vscode-*`), plus the one native control the
 * toolkit lacks (a range slider). Callers get plain HTMLElements and callbacks, never toolkit types.
 */

export type ButtonAppearance = 'primary' | 'secondary' | 'icon';

export interface ButtonOptions {
  readonly appearance?: ButtonAppearance;
  /** Accessible name when the visible label is not enough (e.g. which flag a fix belongs to). */
  readonly ariaLabel?: string;
  readonly title?: string;
  readonly testId?: string;
}

/** A toolkit button; `onClick` runs on click and on Enter/Space (the toolkit maps keys to click). */
export function button(label: string, onClick: () => void, options: ButtonOptions = {}): HTMLElement {
  const el = document.createElement('vscode-button');
  el.textContent = label;
  el.setAttribute('appearance', options.appearance ?? 'primary');
  if (options.ariaLabel) el.setAttribute('aria-label', options.ariaLabel);
  if (options.title) el.setAttribute('title', options.title);
  if (options.testId) el.dataset.testid = options.testId;
  el.addEventListener('click', onClick);
  return el;
}

/** A toolkit checkbox. */
export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void, testId?: string): HTMLElement {
  const el = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
  el.textContent = label;
  el.checked = checked;
  if (checked) el.setAttribute('checked', '');
  if (testId) el.dataset.testid = testId;
  el.addEventListener('change', () => onChange(Boolean(el.checked)));
  return el;
}

export interface Choice<T extends string> {
  readonly value: T;
  readonly label: string;
}

/** A labelled toolkit dropdown. Returns the wrapper (label + dropdown) and a setter. */
export function dropdown<T extends string>(
  label: string,
  choices: readonly Choice<T>[],
  value: T,
  onChange: (value: T) => void,
  testId?: string,
): { readonly element: HTMLElement; set(value: T): void } {
  const wrapper = document.createElement('div');
  wrapper.className = 'll-field';
  const id = `ll-dd-${Math.random().toString(36).slice(2, 9)}`;
  const caption = document.createElement('label');
  caption.htmlFor = id;
  caption.textContent = label;
  const el = document.createElement('vscode-dropdown') as HTMLElement & { value: string };
  el.id = id;
  el.setAttribute('aria-label', label);
  if (testId) el.dataset.testid = testId;
  for (const choice of choices) {
    const option = document.createElement('vscode-option') as HTMLElement & { value: string };
    option.setAttribute('value', choice.value);
    option.textContent = choice.label;
    if (choice.value === value) option.setAttribute('selected', '');
    el.append(option);
  }
  el.addEventListener('change', () => {
    const picked = choices.find((c) => c.value === el.value);
    if (picked) onChange(picked.value);
  });
  wrapper.append(caption, el);
  return {
    element: wrapper,
    set(next: T): void {
      if (el.value !== next) el.value = next;
    },
  };
}

/**
 * A range slider. The toolkit has none, so this is a native `<input type="range">` styled with the
 * theme's variables in dashboard.css; keyboard arrows step it.
 */
export function slider(
  label: string,
  range: { readonly min: number; readonly max: number; readonly step: number },
  value: number,
  format: (value: number) => string,
  onInput: (value: number) => void,
  testId?: string,
): { readonly element: HTMLElement; set(value: number): void } {
  const wrapper = document.createElement('div');
  wrapper.className = 'll-field ll-slider';
  const id = `ll-sl-${Math.random().toString(36).slice(2, 9)}`;
  const caption = document.createElement('label');
  caption.htmlFor = id;
  caption.textContent = label;
  const input = document.createElement('input');
  input.type = 'range';
  input.id = id;
  input.min = String(range.min);
  input.max = String(range.max);
  input.step = String(range.step);
  input.value = String(value);
  if (testId) input.dataset.testid = testId;
  const output = document.createElement('output');
  output.htmlFor.add(id);
  output.textContent = format(value);
  input.setAttribute('aria-valuetext', format(value));
  input.addEventListener('input', () => {
    const v = Number(input.value);
    output.textContent = format(v);
    input.setAttribute('aria-valuetext', format(v));
    onInput(v);
  });
  wrapper.append(caption, input, output);
  return {
    element: wrapper,
    set(next: number): void {
      input.value = String(next);
      output.textContent = format(next);
      input.setAttribute('aria-valuetext', format(next));
    },
  };
}

/**
 * A badge (severity, state). Not the toolkit's `vscode-badge`: its FAST template carries an inline
 * `style` attribute, which the webview's CSP (no `unsafe-inline`) reports as a violation. This span
 * takes the same theme colours (`--vscode-badge-*`) in dashboard.css.
 */
export function badge(text: string, className?: string): HTMLElement {
  const el = document.createElement('span');
  el.textContent = text;
  el.className = `ll-badge${className ? ` ${className}` : ''}`;
  return el;
}

/** A toolkit divider. */
export function divider(): HTMLElement {
  const el = document.createElement('vscode-divider');
  el.setAttribute('role', 'separator');
  return el;
}

/** A small indeterminate progress ring for a live run. */
export function progressRing(label: string): HTMLElement {
  const el = document.createElement('vscode-progress-ring');
  el.setAttribute('aria-label', label);
  return el;
}
