/**
 * The probe terminal of `npm run bench:ho`: one more terminal, in a process of its own that does almost
 * nothing else, asking for the first list page and one photo every 250 ms while the load generator runs.
 * The generator's 200 terminals share one Node process and two cores with the HO, so their latencies
 * include their own event loop's queueing (MD5 and bodies of ~1,000 downloads in flight); the probe's
 * are what a terminal of its own sees of the HO under that load. Prints one JSON line with its latencies.
 */
import { setTimeout as delay } from 'node:timers/promises';

interface Args {
  urls: string[];
  store: string;
  seconds: number;
  username: string;
  password: string;
}

const args = JSON.parse(process.argv[2]!) as Args;
const PERIOD_MS = 250;
const latencies: Record<'list' | 'download', number[]> = { list: [], download: [] };

async function timed(route: keyof typeof latencies, url: string, token: string): Promise<unknown> {
  const t = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.arrayBuffer();
  if (!res.ok) throw new Error(`probe ${route} answered ${res.status}`);
  latencies[route].push(performance.now() - t);
  return route === 'list' ? JSON.parse(new TextDecoder().decode(body)) : null;
}

const tokens: string[] = [];
for (const base of args.urls) {
  const res = await fetch(`${base}/api/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: args.username, password: args.password }),
  });
  if (!res.ok) throw new Error(`probe sign-in answered ${res.status}`);
  tokens.push(((await res.json()) as { access: string }).access);
}
// Ready: the load may start (the parent waits for this line, so the probe's sign-in is not in the window).
process.stdout.write('ready\n');
const deadline = performance.now() + args.seconds * 1000;
for (let i = 0; performance.now() < deadline; i++) {
  const next = performance.now() + PERIOD_MS;
  const base = args.urls[i % args.urls.length]!;
  const token = tokens[i % tokens.length]!;
  const page = (await timed(
    'list',
    `${base}/api/v1/sync/product-photos/?store_id=${args.store}&limit=100`,
    token,
  )) as { data: { photos: { id: string }[] } };
  const photo = page.data.photos[i % page.data.photos.length];
  if (photo !== undefined)
    await timed(
      'download',
      `${base}/api/v1/sync/product-photos/${photo.id}/download/?store_id=${args.store}`,
      token,
    );
  await delay(Math.max(0, next - performance.now()));
}
process.stdout.write(`${JSON.stringify({ latencies })}\n`);
