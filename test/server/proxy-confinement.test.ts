/** Proxy mode forwards only paths that stay under the target's API prefix (issue 9, item 9). */
import assert from 'node:assert/strict';
import { type Server, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type TestServer, errorMessage, startServer } from './harness';

/** Sends `path` byte for byte (fetch would normalise dot segments before sending). */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port, path, method: 'GET', headers: { authorization: 'Bearer t' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('proxy path confinement', () => {
  const seen: string[] = [];
  let upstream: Server;
  let proxy: TestServer;
  before(async () => {
    upstream = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      res.end('{"status":"success"}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const { port } = upstream.address() as AddressInfo;
    proxy = await startServer({ argv: ['--proxy', `http://127.0.0.1:${port}/pps/`] });
  });
  after(async () => {
    await proxy.close();
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('forwards an ordinary API path under the target prefix', async () => {
    const r = await rawGet(proxy.url, '/api/v1/stores/?x=..%2F..');
    assert.equal(r.status, 200);
    assert.equal(seen.at(-1), '/pps/api/v1/stores/?x=..%2F..');
  });

  for (const path of [
    '/api/../internal/metrics',
    '/api/%2e%2e/%2e%2e/internal/metrics',
    '/api/%2E%2E/internal/metrics',
    '/api/.%2e/internal/metrics',
    '/api/%252e%252e/%252e%252e/internal/metrics',
    '/api/%25252e%25252e/internal/metrics',
    '/api/..%5c..%5cinternal/metrics',
    '/api/..%255c..%255cinternal/metrics',
    '/api/..\\..\\internal/metrics',
    '/api/%2e%2e%2f%2e%2e%2finternal/metrics',
    '/api/..;/internal/metrics',
    '/api/./v1/stores/',
  ]) {
    it(`refuses ${path} with 400 and forwards nothing`, async () => {
      const before = seen.length;
      const r = await rawGet(proxy.url, path);
      assert.equal(r.status, 400, r.body);
      assert.match(errorMessage(JSON.parse(r.body)), /stay under \/api\//);
      assert.equal(seen.length, before, `forwarded as ${seen.at(-1)}`);
    });
  }
});
