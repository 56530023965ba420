/**
 * The load generator of `npm run bench:ho`, a process of its own so its CPU is not the server's:
 * `terminals` simulated terminals (loopback only) each sign in, run a full sync of the store (list pages
 * of 100 by cursor, downloads at most 5 at a time with 100 ms between them, as the API reference
 * recommends, MD5-checked), report status, then alternate incremental syncs and status reports until
 * `seconds` run out. Prints one JSON line with per-route latencies, bytes and errors.
 */
import { createHash } from 'node:crypto';

interface Args {
  urls: string[];
  store: string;
  terminals: number;
  seconds: number;
  username: string;
  password: string;
}

const args = JSON.parse(process.argv[2]!) as Args;
/** Set when the measured window starts (after every terminal signed in). */
let deadline = Number.POSITIVE_INFINITY;
const latencies: Record<string, number[]> = { token: [], list: [], download: [], status: [] };
let bytes = 0;
let errors = 0;
/** 429 answers waited out (not errors). */
let throttled = 0;
let fullSyncs = 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One request, timed. A 429 is the HO pacing its clients (the bounded password hashing refuses sign-ins
 * beyond its slots; status reports have a per-terminal rate): like a real terminal, wait Retry-After (with
 * jitter) and ask again; counted apart from errors.
 */
async function timed(route: string, url: string, init: RequestInit = {}): Promise<Response> {
  const t = performance.now();
  let res = await fetch(url, init);
  while (res.status === 429 && performance.now() < deadline) {
    throttled++;
    await res.arrayBuffer();
    const retryAfterS = Number(res.headers.get('retry-after') ?? '1') || 1;
    await sleep(retryAfterS * 1000 * (0.5 + Math.random()));
    res = await fetch(url, init);
  }
  const body = new Uint8Array(await res.arrayBuffer());
  latencies[route]!.push(performance.now() - t);
  if (!res.ok) {
    errors++;
    throw new Error(`${route} ${res.status}`);
  }
  bytes += body.length;
  return new Response(body, { status: res.status, headers: res.headers });
}

/** Round-robin over the instances, as a load balancer would spread terminals. */
const baseOf = (n: number): string => args.urls[n % args.urls.length]!;

/**
 * An access token through instance n. Terminals are signed in before the menu change the bench models (a
 * person signs each in once; later runs renew tokens without a password hash), so sign-in happens before
 * the measured window and its latency is reported apart.
 */
async function signIn(n: number): Promise<string> {
  const login = await timed('token', `${baseOf(n)}/api/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: args.username, password: args.password }),
  });
  return ((await login.json()) as { access: string }).access;
}

async function terminal(n: number, access: string): Promise<void> {
  const base = baseOf(n);
  const auth = { authorization: `Bearer ${access}` };
  const list = async (query: string) =>
    (await (
      await timed('list', `${base}/api/v1/sync/product-photos/?store_id=${args.store}&${query}`, {
        headers: auth,
      })
    ).json()) as {
      data: {
        photos: { id: string; checksum: string }[];
        next_cursor: string | null;
        sync_timestamp: string;
      };
    };
  const report = (ids: string[]) =>
    timed('status', `${base}/api/v1/sync/product-photos/status/`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        store_id: args.store,
        terminal_id: `bench-${n}`,
        sync_batch: ids.map((photo_id) => ({
          photo_id,
          status: 'synced',
          synced_at: new Date().toISOString(),
        })),
      }),
    });

  // Full sync.
  const photos: { id: string; checksum: string }[] = [];
  let page = await list('limit=100');
  let since = page.data.sync_timestamp;
  photos.push(...page.data.photos);
  while (page.data.next_cursor) {
    page = await list(`limit=100&cursor=${page.data.next_cursor}`);
    photos.push(...page.data.photos);
  }
  const queue = [...photos];
  const worker = async () => {
    for (let p = queue.shift(); p; p = queue.shift()) {
      const r = await timed(
        'download',
        `${base}/api/v1/sync/product-photos/${p.id}/download/?store_id=${args.store}`,
        { headers: auth },
      );
      const md5 = createHash('md5')
        .update(new Uint8Array(await r.arrayBuffer()))
        .digest('hex');
      if (md5 !== p.checksum) errors++;
      await sleep(100);
    }
  };
  await Promise.all(Array.from({ length: 5 }, worker));
  for (let i = 0; i < photos.length; i += 1000)
    await report(photos.slice(i, i + 1000).map((p) => p.id));
  fullSyncs++;

  // Incremental syncs and status reports until the time is up.
  while (performance.now() < deadline - 2000) {
    await sleep(2000 + Math.random() * 1000);
    const changed = await list(`limit=100&since=${encodeURIComponent(since)}`);
    since = changed.data.sync_timestamp;
    await report(photos.slice(0, 10).map((p) => p.id));
  }
}

// One sign-in per instance: the terminals of a store share its store user, whose token any instance accepts.
const tokens: string[] = [];
for (let i = 0; i < args.urls.length; i++) tokens.push(await signIn(i));
const started = performance.now();
deadline = started + args.seconds * 1000;
const results = await Promise.allSettled(
  Array.from({ length: args.terminals }, (_, n) =>
    sleep(n * 10).then(() => terminal(n, tokens[n % tokens.length]!)),
  ),
);
const failed = results.filter((r) => r.status === 'rejected').length;
process.stdout.write(
  `${JSON.stringify({ seconds: (performance.now() - started) / 1000, latencies, bytes, errors, throttled, failedTerminals: failed, fullSyncs })}\n`,
);
