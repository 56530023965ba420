/**
 * The app shell's navigation answer with the first screen's photos preloaded (src/sw/shell-preload.ts):
 * one preload link per photo in the head, attribute-escaped, and the shell untouched when it is not HTML.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { withPreloads } from '../../src/sw/shell-preload';

const SHELL =
  '<!doctype html><html><head><title>App</title></head><body><div id="app"></div></body></html>';
const html = (body = SHELL, type = 'text/html; charset=utf-8'): Response =>
  new Response(body, { headers: { 'Content-Type': type, 'X-Kept': 'yes' } });

it('puts one image preload per photo path (below the base) at the end of the head', async () => {
  const res = await withPreloads(html(), '/pos/', ['photos/a?v=1', 'photos/b?v=2']);
  assert.equal(
    await res.text(),
    '<!doctype html><html><head><title>App</title>' +
      '<link rel="preload" as="image" href="/pos/photos/a?v=1">' +
      '<link rel="preload" as="image" href="/pos/photos/b?v=2">' +
      '</head><body><div id="app"></div></body></html>',
  );
  assert.equal(res.headers.get('X-Kept'), 'yes');
  assert.equal(res.status, 200);
});

it('escapes what could end the attribute or open a tag', async () => {
  const res = await withPreloads(html(), '/', [`photos/x"><script>alert(1)</script>'&`]);
  const text = await res.text();
  assert.ok(!text.includes('<script>'));
  assert.ok(
    text.includes('href="/photos/x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39;&amp;"'),
  );
});

it('answers the shell as it is with nothing to preload, for an answer that is not HTML, or without a head', async () => {
  for (const [shell, paths] of [
    [html(), []],
    [html(SHELL, 'text/plain'), ['photos/a']],
    [html('<p>no head</p>'), ['photos/a']],
    [new Response(SHELL, { status: 404, headers: { 'Content-Type': 'text/html' } }), ['photos/a']],
  ] as const) {
    const res = await withPreloads(shell, '/', paths);
    assert.equal(res, shell);
  }
});
