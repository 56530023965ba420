/**
 * Requests counted at the server: the HO runs with --log-level info, so Fastify logs one
 * "incoming request" line per request with a sequential reqId; the bench reads them from its output.
 */
import type { HoServer } from '../test/helpers/ho-server';
import { until } from './wait';

/** One request the server received. */
export interface LoggedRequest {
  seq: number;
  method: string;
  url: string;
}

/** Requests of one scenario, grouped by what they were. */
export interface RequestCounts {
  list: number;
  download: number;
  token: number;
  status: number;
  /** Other API requests (stores, admin). */
  otherApi: number;
  /** App files (index.html, config.json, assets). */
  static: number;
  /** The list requests' URLs (query strings show the paging). */
  listUrls: string[];
}

function loggedRequests(server: HoServer): LoggedRequest[] {
  const out: LoggedRequest[] = [];
  for (const line of server.output().split('\n')) {
    if (!line.includes('"incoming request"')) continue;
    try {
      const entry = JSON.parse(line) as { reqId?: string; req?: { method?: string; url?: string } };
      // Fastify numbers requests "req-<n in base 36>".
      const seq = parseInt(/^req-([0-9a-z]+)$/.exec(entry.reqId ?? '')?.[1] ?? '', 36);
      if (Number.isInteger(seq) && entry.req?.method && entry.req.url)
        out.push({ seq, method: entry.req.method, url: entry.req.url });
    } catch {
      // The kept output starts mid-line after truncation.
    }
  }
  return out;
}

let flushes = 0;

/** Sends a marker request and waits until the log shows it: every earlier request has then been read. Returns its number. */
async function flushLog(server: HoServer): Promise<number> {
  const marker = `/favicon.png?bench-flush=${++flushes}`;
  await (await fetch(`${server.url}${marker}`)).arrayBuffer();
  return until(
    () => loggedRequests(server).find((r) => r.url === marker)?.seq,
    10_000,
    'the marker request in the server log',
  );
}

/** A point in the server's request sequence: requestsSince(server, mark) returns what follows it. */
export function requestMark(server: HoServer): Promise<number> {
  return flushLog(server);
}

/** Requests after `mark` up to now; throws if the kept output no longer reaches back to `mark`. */
export async function requestsSince(server: HoServer, mark: number): Promise<LoggedRequest[]> {
  const end = await flushLog(server);
  const all = loggedRequests(server);
  if (!all.some((r) => r.seq <= mark))
    throw new Error('server output truncated: requests since the mark were lost');
  return all.filter((r) => r.seq > mark && r.seq < end);
}

/** Classifies requests by what they were for. */
export function countRequests(requests: readonly LoggedRequest[]): RequestCounts {
  const counts: RequestCounts = {
    list: 0,
    download: 0,
    token: 0,
    status: 0,
    otherApi: 0,
    static: 0,
    listUrls: [],
  };
  for (const r of requests) {
    const path = r.url.split('?')[0]!;
    if (/^\/api\/v1\/sync\/product-photos\/$/.test(path) && r.method === 'GET') {
      counts.list++;
      counts.listUrls.push(r.url);
    } else if (/\/product-photos\/[^/]+\/download\/$/.test(path)) counts.download++;
    else if (/\/token\/(refresh\/)?$/.test(path)) counts.token++;
    else if (/\/product-photos\/status\/$/.test(path)) counts.status++;
    else if (path.startsWith('/api/')) counts.otherApi++;
    else counts.static++;
  }
  return counts;
}
