import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { gateDashboardMessage } from '../../../src/views/dashboardMessages';
import { MAX_EXPORT_IMAGE_CHARS, MAX_EXPORT_IMAGES, parseWebviewToHost } from '../../../src/protocol/webview';

describe('dashboard message gate', () => {
  const shown = ['abc123'];
  test('accepts well-formed messages about shown runs', () => {
    assert.deepEqual(gateDashboardMessage({ type: 'webview/didBecomeReady' }, shown), { ok: true, message: { type: 'webview/didBecomeReady' } });
    const fix = gateDashboardMessage({ type: 'fix/apply', runId: 'abc123', flagIndex: 0, fixIndex: 1, retrain: true }, shown);
    assert.ok(fix.ok);
  });

  test('rejects runs it was not shown, paths, and malformed messages', () => {
    assert.equal(gateDashboardMessage({ type: 'config/open', runId: 'other' }, shown).ok, false);
    assert.equal(gateDashboardMessage({ type: 'config/open', runId: '../../etc/passwd' }, shown).ok, false);
    assert.equal(gateDashboardMessage({ type: 'run/stop' }, shown).ok, false);
    assert.equal(gateDashboardMessage({ type: 'fix/apply', runId: 'abc123', flagIndex: -1, fixIndex: 0, retrain: false }, shown).ok, false);
    assert.equal(gateDashboardMessage({ type: 'fix/apply', runId: 'abc123', flagIndex: 0, fixIndex: 0, retrain: 'yes' }, shown).ok, false);
    assert.equal(gateDashboardMessage({ type: 'command/run', command: 'rm -rf' }, shown).ok, false);
    assert.equal(gateDashboardMessage('webview/didBecomeReady', shown).ok, false);
    assert.equal(gateDashboardMessage(null, shown).ok, false);
    assert.equal(gateDashboardMessage({ type: 'export/didRender', requestId: 'r', images: [{ name: '../x', pngDataUrl: 'data:image/png;base64,AA' }] }, shown).ok, false);
  });

  test('a range test is named by the id of the one shown, never by a path', () => {
    const apply = { type: 'rangeTest/apply', id: 'range-1', retrain: false };
    assert.deepEqual(gateDashboardMessage(apply, shown, 'range-1'), { ok: true, message: apply });
    assert.ok(gateDashboardMessage({ type: 'rangeTest/close', id: 'range-1' }, shown, 'range-1').ok);
    assert.equal(gateDashboardMessage(apply, shown, 'range-2').ok, false, 'an older range test');
    assert.equal(gateDashboardMessage(apply, shown).ok, false, 'none shown');
    assert.equal(gateDashboardMessage({ ...apply, retrain: 1 }, shown, 'range-1').ok, false);
    assert.equal(gateDashboardMessage({ type: 'rangeTest/apply', id: '', retrain: false }, shown, '').ok, false);
  });
});

describe('export images are bounded', () => {
  const png = (chars: number): string => `data:image/png;base64,${'A'.repeat(chars)}`;
  const message = (images: unknown[]): unknown => ({ type: 'export/didRender', requestId: 'r1', images });
  test('a few chart PNGs pass; too many, too large, too much in all, or not base64 PNG do not', () => {
    assert.ok(parseWebviewToHost(message([{ name: 'loss', pngDataUrl: png(200_000) }, { name: 'accuracy', pngDataUrl: png(200_000) }])));
    assert.equal(parseWebviewToHost(message(Array.from({ length: MAX_EXPORT_IMAGES + 1 }, (_, i) => ({ name: `c${i}`, pngDataUrl: png(8) })))), undefined);
    assert.equal(parseWebviewToHost(message([{ name: 'big', pngDataUrl: png(MAX_EXPORT_IMAGE_CHARS) }])), undefined);
    assert.equal(parseWebviewToHost(message(Array.from({ length: 5 }, (_, i) => ({ name: `c${i}`, pngDataUrl: png(MAX_EXPORT_IMAGE_CHARS - 100) })))), undefined, 'over MAX_EXPORT_BYTES in all');
    assert.equal(parseWebviewToHost(message([{ name: 'x', pngDataUrl: 'data:image/png;base64,<script>' }])), undefined);
    assert.equal(parseWebviewToHost(message([{ name: 'x', pngDataUrl: 'data:image/svg+xml;base64,AAAA' }])), undefined);
  });
});
