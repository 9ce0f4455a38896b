/** The webview HTML shell: its CSP and nonces (the browser tests load this same page). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dashboardCsp, dashboardHtml, makeNonce } from '../../src/views/webviewHtml';

test('nonces are 32 alphanumeric characters and differ on every call', () => {
  const nonces = new Set(Array.from({ length: 200 }, makeNonce));
  assert.equal(nonces.size, 200);
  for (const n of nonces) assert.match(n, /^[A-Za-z0-9]{32}$/);
});

test('the CSP allows nothing by default, scripts only by nonce, and no unsafe-inline/eval', () => {
  const csp = dashboardCsp('https://abc.vscode-cdn.net', 'N0nceN0nceN0nceN0nce');
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(directives['default-src'], ["'none'"]);
  assert.deepEqual(directives['script-src'], ["'nonce-N0nceN0nceN0nceN0nce'"]);
  assert.deepEqual(directives['style-src'], ['https://abc.vscode-cdn.net', "'nonce-N0nceN0nceN0nceN0nce'"]);
  assert.deepEqual(directives['img-src'], ['https://abc.vscode-cdn.net', 'data:']);
  assert.doesNotMatch(csp, /unsafe/);
});

test('every script carries the nonce, none is inline, and attribute values are escaped', () => {
  const nonce = makeNonce();
  const html = dashboardHtml({ cspSource: 'https://x.test', scriptUri: 'https://x.test/d.js?a=1&b="2"', styleUri: 'https://x.test/d.css', nonce });
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0]![1]!, new RegExp(`nonce="${nonce}"`));
  assert.equal(scripts[0]![2], '', 'no inline script');
  assert.match(html, /src="https:\/\/x\.test\/d\.js\?a=1&amp;b=&quot;2&quot;"/);
  assert.match(html, new RegExp(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'`.replace(/'/g, "'")));
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
  assert.throws(() => dashboardHtml({ cspSource: 'x', scriptUri: 'a', styleUri: 'b', nonce: 'short' }), /nonce/);
});

test('no form may post anywhere and no <base> may redirect relative URLs', () => {
  const directives = Object.fromEntries(dashboardCsp('https://x.test', 'N0nceN0nceN0nceN0nce').split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(directives['form-action'], ["'none'"]);
  assert.deepEqual(directives['base-uri'], ["'none'"]);
});
