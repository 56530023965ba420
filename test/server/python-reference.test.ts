/**
 * The API reference's own Python examples ("Full Sync Flow", "Incremental Sync") plus a status report,
 * run with python3 against this server, changed only in URL, credentials, store and last_sync.
 * Uses the real `requests` when installed; otherwise a minimal urllib-based stand-in module named
 * `requests` (get/post with params, headers, json; .json(), .content) so the example code stays verbatim.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ADMIN,
  type TestServer,
  allPhotos,
  callJson,
  login,
  startServer,
  tinyJpeg,
} from './harness';

const run = promisify(execFile);

// Verbatim from PRODUCT_PHOTO_SYNC_API_REFERENCE.md, "Python Example - Full Sync Flow".
const FULL_SYNC = `import requests
import hashlib

BASE_URL = "http://localhost:8000"
STORE_ID = "your-store-uuid"
TOKEN = "your-jwt-token"

headers = {
    'Authorization': f'Bearer {TOKEN}'
}

# 1. Get list of photos
response = requests.get(
    f"{BASE_URL}/api/v1/sync/product-photos/",
    params={'store_id': STORE_ID, 'limit': 100, 'offset': 0},
    headers=headers
)

photos = response.json()['data']['photos']

# 2. Download each photo
for photo in photos:
    photo_id = photo['id']
    expected_checksum = photo['checksum']
    
    # Download binary
    response = requests.get(
        f"{BASE_URL}/api/v1/sync/product-photos/{photo_id}/download/",
        params={'store_id': STORE_ID},
        headers=headers
    )
    
    image_data = response.content
    
    # Verify checksum
    actual_checksum = hashlib.md5(image_data).hexdigest()
    if actual_checksum == expected_checksum:
        print(f"✓ {photo['filename']} - Checksum OK")
        # Save to database...
    else:
        print(f"✗ {photo['filename']} - Checksum mismatch!")
`;

// Verbatim from "Python Example - Incremental Sync".
const INCREMENTAL = `from datetime import datetime

# Get last sync time from local database
last_sync = "2026-02-03T00:00:00Z"

response = requests.get(
    f"{BASE_URL}/api/v1/sync/product-photos/",
    params={
        'store_id': STORE_ID,
        'since': last_sync,
        'limit': 100
    },
    headers=headers
)

data = response.json()
updated_photos = data['data']['photos']

print(f"Found {len(updated_photos)} updated photos since {last_sync}")

# Download only changed photos
for photo in updated_photos:
    # Check if checksum differs from local version
    # If different, download new version
    pass
`;

// The documented status request body, posted the way the examples post.
const STATUS_REPORT = `
response = requests.post(
    f"{BASE_URL}/api/v1/sync/product-photos/status/",
    json={
        "store_id": STORE_ID,
        "sync_batch": [
            {"photo_id": p['id'], "status": "synced", "synced_at": "2026-02-03T10:05:00Z", "error": None}
            for p in photos
        ]
    },
    headers=headers
)
print("STATUS", response.json()['message'])
`;

const REQUESTS_STANDIN = `"""Minimal urllib stand-in for the parts of requests the reference examples use."""
import json as _json
import urllib.error
import urllib.parse
import urllib.request


class Response:
    def __init__(self, status_code, content):
        self.status_code = status_code
        self.content = content

    def json(self):
        return _json.loads(self.content.decode("utf-8"))


def request(method, url, params=None, headers=None, json=None, data=None):
    if params:
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
    headers = dict(headers or {})
    body = None
    if json is not None:
        body = _json.dumps(json).encode("utf-8")
        headers["Content-Type"] = "application/json"
    elif data is not None:
        body = urllib.parse.urlencode(data).encode("utf-8")
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req) as res:
            return Response(res.status, res.read())
    except urllib.error.HTTPError as e:
        return Response(e.code, e.read())


def get(url, **kw):
    return request("GET", url, **kw)


def post(url, **kw):
    return request("POST", url, **kw)
`;

function python(): { available: boolean; hasRequests: boolean } {
  const probe = spawnSync('python3', ['-c', 'import requests'], { encoding: 'utf8' });
  if (probe.error) return { available: false, hasRequests: false };
  return { available: true, hasRequests: probe.status === 0 };
}

describe('reference Python examples', () => {
  const py = python();
  let s: TestServer;
  let dir: string;
  let storeId: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ho-python-'));
    if (!py.hasRequests) writeFileSync(join(dir, 'requests.py'), REQUESTS_STANDIN);
    s = await startServer();
    storeId = s.prep.demoLogins[0]!.store.id;
  });
  after(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The example with only URL, store and credentials (token fetched with USERNAME/PASSWORD) changed. */
  function configured(code: string): string {
    const credentials = [
      `USERNAME = ${JSON.stringify(ADMIN.username)}`,
      `PASSWORD = ${JSON.stringify(ADMIN.password)}`,
      `TOKEN = requests.post(f"{BASE_URL}/api/token/", json={"username": USERNAME, "password": PASSWORD}).json()["access"]`,
    ].join('\n');
    return code
      .replace('BASE_URL = "http://localhost:8000"', `BASE_URL = ${JSON.stringify(s.url)}`)
      .replace('STORE_ID = "your-store-uuid"', `STORE_ID = ${JSON.stringify(storeId)}`)
      .replace('TOKEN = "your-jwt-token"', credentials);
  }

  // Asynchronous on purpose: the server under test lives in this process and must keep answering.
  async function runPython(code: string): Promise<string> {
    writeFileSync(join(dir, 'flow.py'), code);
    const env = {
      ...process.env,
      PYTHONIOENCODING: 'utf-8',
      PYTHONPATH: py.hasRequests ? (process.env.PYTHONPATH ?? '') : dir,
    };
    try {
      return (
        await run('python3', [join(dir, 'flow.py')], {
          encoding: 'utf8',
          cwd: dir,
          timeout: 120_000,
          env,
        })
      ).stdout;
    } catch (e) {
      throw new Error(`python failed: ${(e as { stderr?: string }).stderr ?? e}`);
    }
  }

  it('full sync with MD5 verification, status report, then incremental sync', {
    skip: py.available ? false : 'python3 is not installed',
  }, async () => {
    const token = (await login(s)).access;
    const expected = (await allPhotos(s, token, storeId)).slice(0, 100);
    const out = await runPython(configured(FULL_SYNC) + STATUS_REPORT);
    const ok = out.split('\n').filter((l) => l.startsWith('✓ '));
    assert.equal(ok.length, expected.length, out);
    assert.doesNotMatch(out, /✗/);
    assert.deepEqual(
      ok.map((l) => l.slice(2, -' - Checksum OK'.length)),
      expected.map((p) => p.filename),
    );
    assert.match(
      out,
      new RegExp(`^STATUS Sync status updated for ${expected.length} photos$`, 'm'),
    );
    assert.equal(
      (await s.meta.listStatus(storeId)).filter((r) => r.status === 'synced').length,
      expected.length,
    );

    // The documented literal last_sync runs as written...
    const literal = await runPython(configured(FULL_SYNC.split('# 1.')[0]!) + INCREMENTAL);
    const sinceLiteral = (await allPhotos(s, token, storeId)).filter(
      (p) => p.updated_at >= '2026-02-03T00:00:00.000Z',
    ).length;
    assert.match(
      literal,
      new RegExp(
        `^Found ${Math.min(100, sinceLiteral)} updated photos since 2026-02-03T00:00:00Z$`,
        'm',
      ),
    );

    // ...and with last_sync taken "from the local database" (the server's sync_timestamp) it finds exactly the change.
    const lastSync: string = (
      await callJson(s, `/api/v1/sync/product-photos/?store_id=${storeId}&limit=1`, { token })
    ).body.data.sync_timestamp;
    const changed = expected[1]!;
    const put = await callJson(s, `/api/v1/admin/photos/${changed.id}/content/`, {
      method: 'PUT',
      token,
      body: tinyJpeg([5, 5, 5]),
      headers: { 'content-type': 'image/jpeg' },
    });
    assert.equal(put.status, 200);
    const incremental = await runPython(
      configured(FULL_SYNC.split('# 1.')[0]!) +
        INCREMENTAL.replace('"2026-02-03T00:00:00Z"', JSON.stringify(lastSync)) +
        'print(updated_photos[0]["id"], updated_photos[0]["version"])\n',
    );
    assert.match(incremental, new RegExp(`^Found 1 updated photos since ${lastSync}$`, 'm'));
    assert.match(incremental, new RegExp(`^${changed.id} ${changed.version + 1}$`, 'm'));
  });
});
