/**
 * Serves the built PWA from the static dir: hashed /assets/ files immutable for a year, everything
 * else (index.html, sw.js, the manifest, config.json, icons) `no-cache` so updates show at once;
 * unknown pages that want HTML get index.html (client-side routing; admin.html, the fleet
 * console, under /admin/); a clear page when not built.
 * Text files go out gzipped to clients that accept it (the app shell is ~3x smaller on a store's link).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { workerCsp } from './csp';
import { sendError } from './errors';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
};

/** Sent with every HTML page: no other site may frame the app (a `<meta>` CSP cannot say this). */
export const HTML_CSP = "frame-ancestors 'none'";

/** Content types worth gzipping; images, fonts and wasm here are compressed already or small. */
const COMPRESSIBLE = /^(?:text\/|application\/(?:json|manifest\+json)|image\/svg\+xml)/;
/** Below this size gzip's header and the lost content-length cost more than they save. */
const GZIP_MIN_BYTES = 1024;

/** The Cache-Control of a static path. */
export function staticCacheControl(urlPath: string): string {
  return urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>PWA not built</title>
<h1>The PWA has not been built yet</h1>
<p>The Head Office API is running, but the app's static files are missing. Run <code>npm run build</code>
(or start with <code>npm start</code>, which builds first), then reload this page.</p>\n`;

async function fileAt(
  root: string,
  urlPath: string,
): Promise<{ path: string; size: number; mtimeMs: number } | undefined> {
  const rel = urlPath === '/' ? 'index.html' : urlPath.slice(1);
  if (rel.includes('\0') || rel.split('/').some((s) => s.startsWith('.'))) return undefined;
  const path = resolve(root, rel);
  if (!path.startsWith(root + sep)) return undefined;
  try {
    const s = await stat(path);
    return s.isFile() ? { path, size: s.size, mtimeMs: s.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

/** Serves `request` from `staticDir` or answers 404 (JSON for API paths and non-HTML clients). */
export async function serveStatic(
  staticDir: string,
  request: FastifyRequest,
  reply: FastifyReply,
  extraConnect: readonly string[] = [],
): Promise<FastifyReply> {
  const root = resolve(staticDir);
  let urlPath: string;
  try {
    urlPath = decodeURIComponent(request.url.split('?')[0]!);
  } catch {
    return sendError(reply, 400, 'Malformed URL');
  }
  const wantsHtml = /text\/html/.test(request.headers.accept ?? '');
  const isApi = urlPath === '/api' || urlPath.startsWith('/api/');
  if (isApi || (request.method !== 'GET' && request.method !== 'HEAD'))
    return sendError(reply, 404, 'Not found');
  let file = await fileAt(root, urlPath);
  let servedPath = urlPath;
  if (!file && wantsHtml) {
    // The fleet console (its own Vite entry, admin.html) owns every page under /admin/.
    servedPath = /^\/admin(?:\/|$)/.test(urlPath) ? '/admin.html' : '/index.html';
    file = await fileAt(root, servedPath === '/index.html' ? '/' : servedPath);
    if (!file)
      return reply
        .code(404)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('content-security-policy', HTML_CSP)
        .send(NOT_BUILT);
  }
  if (!file) return sendError(reply, 404, 'Not found');
  const etag = `W/"${file.size.toString(16)}-${Math.floor(file.mtimeMs).toString(16)}"`;
  const type = TYPES[extname(file.path).toLowerCase()] ?? 'application/octet-stream';
  const compressible = COMPRESSIBLE.test(type);
  const gzip =
    compressible &&
    file.size >= GZIP_MIN_BYTES &&
    /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  reply.headers({
    'content-type': type,
    'cache-control': staticCacheControl(servedPath),
    etag,
    'last-modified': new Date(file.mtimeMs).toUTCString(),
    'x-content-type-options': 'nosniff',
  });
  if (compressible) reply.header('vary', 'accept-encoding');
  if (type.startsWith('text/html')) reply.header('content-security-policy', HTML_CSP);
  if (servedPath === '/sw.js')
    reply.header(
      'content-security-policy',
      await workerCsp(root, (message) => request.log.warn(message), extraConnect),
    );
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  // A gzipped length is only known once sent, so those responses stream without content-length.
  if (gzip) reply.header('content-encoding', 'gzip');
  else reply.header('content-length', String(file.size));
  if (request.method === 'HEAD') return reply.send();
  // pipeline (unlike pipe) destroys the gzip stream when reading fails, so the reply ends instead of hanging.
  return reply.send(
    gzip
      ? pipeline(createReadStream(file.path), createGzip(), () => undefined)
      : createReadStream(file.path),
  );
}
