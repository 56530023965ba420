/** A tiny static file server for serving a PWA build under a sub-path (e.g. /pos/) in tests. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';

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

/** Serves `dir` at `mountPath` (e.g. "/pos/") on 127.0.0.1 with an ephemeral port; other paths get 404. */
export async function serveStatic(dir: string, mountPath: string): Promise<StaticServer> {
  const root = resolve(dir);
  const server: Server = createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
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
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((closed, failed) => {
        server.close((error) => (error ? failed(error) : closed()));
        server.closeAllConnections();
      }),
  };
}
