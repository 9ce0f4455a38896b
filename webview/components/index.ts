export { registerComponents } from './toolkit';
export { badge, button, checkbox, divider, dropdown, progressRing, slider } from './controls';
export type { ButtonAppearance, ButtonOptions, Choice } from './controls';
