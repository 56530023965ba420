/**
 * A tiny static file server for serving a PWA build under a sub-path (e.g. /pos/) in tests, optionally with
 * an API on the same origin answered by a `fetch`-shaped handler (e.g. the unit tests' fake HO).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** A running static server. */
export interface StaticServer {
  /** Origin, without trailing slash, e.g. "http://127.0.0.1:41234". */
  readonly origin: string;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** Requests under `prefix` go to `fetch` (absolute URL, method, headers, text body) instead of the files. */
export interface ApiRoute {
  prefix: string;
  fetch(url: string, init: RequestInit): Promise<Response>;
}

/** Answers `request` with what `api` returns for it (a handler that throws is a 502). */
async function forward(
  api: ApiRoute,
  url: URL,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const method = request.method ?? 'GET';
  const body = method === 'GET' || method === 'HEAD' ? undefined : await text(request);
  const headers = Object.entries(request.headers).flatMap(([k, v]) =>
    typeof v === 'string' ? [[k, v] as [string, string]] : [],
  );
  let answer: Response;
  try {
    answer = await api.fetch(url.href, { method, headers, body });
  } catch {
    response.writeHead(502).end();
    return;
  }
  response.writeHead(answer.status, Object.fromEntries(answer.headers));
  if (answer.body === null) response.end();
  else Readable.fromWeb(answer.body as NodeReadableStream).pipe(response);
}

/** Maps a request path under `mountPath` to a file in `root`, or undefined when outside either. */
function fileFor(root: string, mountPath: string, pathname: string): string | undefined {
  if (!pathname.startsWith(mountPath)) return undefined;
  let relative: string;
  try {
    relative = decodeURIComponent(pathname.slice(mountPath.length)) || 'index.html';
  } catch {
    return undefined; // malformed percent-encoding
  }
  const file = resolve(root, relative);
  return file === root || file.startsWith(root + sep) ? file : undefined;
}

/**
 * Serves `dir` at `mountPath` (e.g. "/pos/") on 127.0.0.1 with an ephemeral port, and `api` when given;
 * other paths get 404.
 */
export async function serveStatic(
  dir: string,
  mountPath: string,
  api?: ApiRoute,
): Promise<StaticServer> {
  const root = resolve(dir);
  let origin = '';
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', origin);
    const { pathname } = url;
    if (api !== undefined && pathname.startsWith(api.prefix)) {
      void forward(api, url, request, response);
      return;
    }
    const file = fileFor(root, mountPath, pathname);
    const notFound = (): void => {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    };
    if (!file) return notFound();
    stat(file).then((info) => {
      if (!info.isFile()) return notFound();
      response.writeHead(200, {
        'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Length': info.size,
        'Cache-Control': 'no-cache',
      });
      createReadStream(file).pipe(response);
    }, notFound);
  });
  await new Promise<void>((listening, failed) => {
    server.once('error', failed);
    server.listen(0, '127.0.0.1', () => listening());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((closed, failed) => {
        server.close((error) => (error ? failed(error) : closed()));
        server.closeAllConnections();
      }),
  };
}
