// One definition of the smoothing default: package.json's setting declares the protocol's value,
// which the host sends and the webview falls back to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DEFAULT_SMOOTHING } from '../../../src/protocol/webview';

test('lossLens.chart.smoothing defaults to DEFAULT_SMOOTHING', () => {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { configuration: { properties: Record<string, { default: unknown }> } } };
  assert.equal(manifest.contributes.configuration.properties['lossLens.chart.smoothing']?.default, DEFAULT_SMOOTHING);
});
