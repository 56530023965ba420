/** The sw.js Content Security Policy: config.json's HO origin is allowed; a missing, malformed or wrong one keeps the strict policy, warned once. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workerCsp } from '../../server/src/http/csp';
import { type TestServer, call, startServer } from './harness';

const STRICT = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'";
const dist = mkdtempSync(join(tmpdir(), 'ho-csp-dist-'));
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>PWA shell</title>');
writeFileSync(join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {});');
after(() => rmSync(dist, { recursive: true, force: true }));

/** Writes config.json (or removes it for null) and returns the policy the server sends on sw.js. */
async function cspWith(s: TestServer, config: string | null): Promise<string | null> {
  if (config === null) rmSync(join(dist, 'config.json'), { force: true });
  else writeFileSync(join(dist, 'config.json'), config);
  const res = await call(s, '/sw.js');
  assert.equal(res.status, 200);
  await res.arrayBuffer();
  return res.headers.get('content-security-policy');
}

describe('service worker CSP header', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ staticDir: dist });
  });
  after(() => s.close());

  it("allows the origin of config.json's serverUrl besides the app's own", async () => {
    const csp = await cspWith(
      s,
      JSON.stringify({ serverUrl: 'https://ho.example.com:8443/api/base/', storeId: 'x' }),
    );
    assert.equal(
      csp,
      "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' https://ho.example.com:8443",
    );
  });

  it("allows config.json's imageOrigins (image_url on MinIO beside an upstream HO)", async () => {
    const csp = await cspWith(
      s,
      JSON.stringify({
        serverUrl: 'https://ho.example.com/',
        imageOrigins: ['https://minio.example.com:9000/bucket/', 'https://ho.example.com'],
      }),
    );
    assert.equal(
      csp,
      "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' https://ho.example.com https://minio.example.com:9000",
    );
  });

  it('keeps the strict policy without config.json, without serverUrl, and with a malformed or wrong one', async () => {
    for (const config of [
      '{"imageOrigins": "https://minio.example.com"}',
      '{"imageOrigins": ["javascript:alert(1)"]}',
      null,
      '{}',
      '{"serverUrl": ',
      '[1]',
      '{"serverUrl": "ho.example.com"}',
      '{"serverUrl": "ftp://ho.example.com"}',
      '{"serverUrl": 42}',
    ]) {
      assert.equal(await cspWith(s, config), STRICT, String(config));
    }
  });

  it('sends only frame-ancestors on the page and no policy on other files', async () => {
    const page = await call(s, '/index.html');
    assert.equal(page.headers.get('content-security-policy'), "frame-ancestors 'none'");
    writeFileSync(join(dist, 'config.json'), '{}');
    const other = await call(s, '/config.json');
    assert.equal(other.status, 200);
    assert.equal(other.headers.get('content-security-policy'), null);
  });
});

describe('workerCsp warnings', () => {
  const root = mkdtempSync(join(tmpdir(), 'ho-csp-warn-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  /** The policy and the warnings of `times` reads of config.json `text` (null: no file). */
  async function read(
    text: string | null,
    times = 1,
  ): Promise<{ csp: string; warnings: string[] }> {
    if (text === null) rmSync(join(root, 'config.json'), { force: true });
    else writeFileSync(join(root, 'config.json'), text);
    const warnings: string[] = [];
    let csp = '';
    for (let i = 0; i < times; i++) csp = await workerCsp(root, (m) => warnings.push(m));
    return { csp, warnings };
  }

  it('warns once about malformed JSON, naming the file and the consequence', async () => {
    const { csp, warnings } = await read('{"serverUrl": "https://ho.example.com",}', 3);
    assert.equal(csp, STRICT);
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0]!,
      new RegExp(
        `^${join(root, 'config.json')} is not valid JSON .*only to the app's own origin until it is fixed$`,
      ),
    );
  });

  it('warns about a serverUrl that is not an http(s) URL', async () => {
    const { csp, warnings } = await read('{"serverUrl": "javascript:alert(1)"}');
    assert.equal(csp, STRICT);
    assert.deepEqual(
      warnings.map((w) =>
        /has a "serverUrl" that is not an http\(s\) URL: "javascript:alert\(1\)"/.test(w),
      ),
      [true],
    );
  });

  it('does not warn when config.json is missing or valid', async () => {
    assert.deepEqual(await read(null), { csp: STRICT, warnings: [] });
    assert.deepEqual((await read('{"serverUrl": "http://127.0.0.1:8000"}')).warnings, []);
  });
});
