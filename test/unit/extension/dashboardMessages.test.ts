import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { gateDashboardMessage } from '../../../src/views/dashboardMessages';

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
