/** The reference HO for the bench: a generated catalog in its own store, request logging on, admin access. */
import { type HoServer, startHoServer } from '../test/helpers/ho-server';
import { type HoPhoto, HoAdmin } from '../test/helpers/sync-e2e';
import { until } from './wait';

/** The catalog of one bench server. */
export interface BenchCatalog {
  photos: number;
  avgBytes: number;
  seed: number;
}

/** A running bench server with its catalog store and an admin client. */
export interface BenchHo {
  readonly server: HoServer;
  readonly storeId: string;
  readonly admin: HoAdmin;
  /** Seconds the server took to start, catalog generation included. */
  readonly startS: number;
}

/** A photo as listed, with the size the reference lists too. */
export type ListedPhoto = HoPhoto & { size: number };

const BENCH_STORE = /Benchmark \S+\s+([0-9a-f-]{36})/;

/**
 * Starts the HO on an ephemeral port serving `staticDir`, with only the benchmark catalog (no demo data)
 * and request logging at info level, so the bench can count requests at the server.
 */
export async function startBenchHo(
  staticDir: string,
  catalog: BenchCatalog,
  extraArgs: readonly string[] = [],
): Promise<BenchHo> {
  const start = performance.now();
  const server = await startHoServer({
    staticDir,
    args: [
      '--no-demo',
      '--catalog',
      String(catalog.photos),
      '--avg-bytes',
      String(catalog.avgBytes),
      '--catalog-seed',
      String(catalog.seed),
      '--log-level',
      'info',
      ...extraArgs,
    ],
    // Not demo mode (--no-demo): the admin the bench signs in as is configured on purpose.
    env: { ADMIN_PASSWORD: 'admin' },
    startTimeoutMs: 30 * 60_000,
  });
  const startS = (performance.now() - start) / 1000;
  try {
    // The store line follows the "listening" line the helper waits for.
    const storeId = await until(
      () => BENCH_STORE.exec(server.output())?.[1],
      10_000,
      'the benchmark store line',
    );
    return { server, storeId, admin: new HoAdmin(server.url), startS };
  } catch (e) {
    await server.dispose();
    throw new Error(`${(e as Error).message}; server output:\n${server.output()}`);
  }
}

/** A fresh admin access token (the bench signs in as the admin: the only user of the catalog store). */
export async function accessToken(url: string): Promise<string> {
  const res = await fetch(`${url}/api/token/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'admin' }),
  });
  if (!res.ok) throw new Error(`admin sign-in failed: HTTP ${res.status}`);
  return ((await res.json()) as { access: string }).access;
}

/** Every photo of the catalog store, as the reference lists them. */
export async function listPhotos(ho: BenchHo): Promise<ListedPhoto[]> {
  return (await ho.admin.photos(ho.storeId)) as ListedPhoto[];
}

/** Sets the server's injected latency per API request (0 = off). */
export async function setLatency(ho: BenchHo, latencyMs: number): Promise<void> {
  await ho.admin.resetFaults();
  if (latencyMs > 0) await ho.admin.setFaults({ latency_ms: latencyMs });
}

/** Replaces a catalog photo's bytes with a new, still valid JPEG (its bytes plus a unique trailer): checksum and version change. */
export async function replacePhoto(ho: BenchHo, photoId: string): Promise<void> {
  const bytes = Buffer.concat([
    await ho.admin.bytes(photoId, ho.storeId),
    Buffer.from(`bench change ${photoId} ${Date.now()}`),
  ]);
  await ho.admin.call(
    'PUT',
    `/api/v1/admin/photos/${photoId}/content/`,
    new Uint8Array(bytes),
    'image/jpeg',
  );
}
