/**
 * The app shell's navigation answer carrying the first screen (src/sw/shell-preload.ts): one image preload per
 * photo and the products' data block in the head, escaped so nothing the HO chose can break out of either,
 * and the shell untouched without a first screen or when it is not HTML.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FIRST_SCREEN_DATA_ID, type Product } from '../../src/shared/messages';
import { withFirstScreen } from '../../src/sw/shell-preload';

const SHELL =
  '<!doctype html><html><head><title>App</title></head><body><div id="app"></div></body></html>';
const html = (body = SHELL, type = 'text/html; charset=utf-8'): Response =>
  new Response(body, { headers: { 'Content-Type': type, 'X-Kept': 'yes' } });

const product = (name: string): Product => ({
  id: 'p1',
  sku: 'SKU-1',
  name,
  photos: [{ id: 'ph1', version: 'abcd1234', held: true, is_primary: true, sort_order: 0 }],
});

/** The data block's JSON in `text`, parsed. */
function dataOf(text: string): unknown {
  const open = `<script type="application/json" id="${FIRST_SCREEN_DATA_ID}">`;
  const start = text.indexOf(open) + open.length;
  return JSON.parse(text.slice(start, text.indexOf('</script>', start)));
}

it('puts one image preload per photo path (below the base) and the products at the end of the head', async () => {
  const head = { products: [product('Teh manis')], complete: false };
  const res = await withFirstScreen(html(), '/pos/', {
    head,
    photos: ['photos/a?v=1', 'photos/b?v=2'],
  });
  const text = await res.text();
  assert.ok(
    text.startsWith(
      '<!doctype html><html><head><title>App</title>' +
        '<link rel="preload" as="image" href="/pos/photos/a?v=1">' +
        '<link rel="preload" as="image" href="/pos/photos/b?v=2">' +
        `<script type="application/json" id="${FIRST_SCREEN_DATA_ID}">`,
    ),
  );
  assert.ok(text.endsWith('</script></head><body><div id="app"></div></body></html>'));
  assert.deepEqual(dataOf(text), head);
  assert.equal(res.headers.get('X-Kept'), 'yes');
  assert.equal(res.status, 200);
});

it('escapes what could end the attribute or the data block, or open a tag or comment', async () => {
  const hostile = `</script><script>alert(1)</script><!-- "'&`;
  const head = { products: [product(hostile)], complete: true };
  const res = await withFirstScreen(html(), '/', {
    head,
    photos: [`photos/x"><script>alert(1)</script>'&`],
  });
  const text = await res.text();
  assert.ok(!text.includes('<script>'));
  assert.ok(!text.includes('<!--'));
  assert.equal(text.split('</script>').length, 2, 'only the data block ends a script element');
  assert.ok(
    text.includes('href="/photos/x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39;&amp;"'),
  );
  // The name reads back as it was.
  assert.deepEqual(dataOf(text), head);
});

it('answers the shell as it is without a first screen, for an answer that is not HTML, or without a head', async () => {
  const first = { head: { products: [product('A')], complete: true }, photos: ['photos/a'] };
  for (const [shell, carried] of [
    [html(), null],
    [html(SHELL, 'text/plain'), first],
    [html('<p>no head</p>'), first],
    [new Response(SHELL, { status: 404, headers: { 'Content-Type': 'text/html' } }), first],
  ] as const) {
    const res = await withFirstScreen(shell, '/', carried);
    assert.equal(res, shell);
  }
});
