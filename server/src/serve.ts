/**
 * Starts the HO's listeners as main.ts and the tests both need them: the app, and with the upstream
 * profile first the image origin its `image_url`s point to (a second port, i.e. another origin).
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { type AppDeps, buildApp } from './app';
import { buildImageApp } from './profiles/upstream';

/**
 * Connections the kernel may queue before the server accepts them (capped by net.core.somaxconn). Node's
 * default of 511 is below what a chain's terminals open at once after a menu change (several each): the
 * excess connections' handshakes are dropped and retried after 1, 3, 7 s, which showed as list p99 of 10 s.
 */
export const LISTEN_BACKLOG = 4096;

/** The HO listening. */
export interface RunningHo {
  app: FastifyInstance;
  /** Base URL of the app, e.g. http://127.0.0.1:8000. */
  url: string;
  /** Origin of the image listener (upstream profile), else null. */
  imageOrigin: string | null;
  /** Closes every listener. */
  close(): Promise<void>;
}

/** `host` as it goes into a URL (IPv6 in brackets). */
export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function origin(app: FastifyInstance, host: string): string {
  // A wildcard address is not one a browser can use: name the loopback instead.
  const named = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${urlHost(named)}:${(app.server.address() as AddressInfo).port}`;
}

/** Listens on `host`:`port` (and the image port for the upstream profile). */
export async function listenHo(
  deps: Omit<AppDeps, 'imageOrigin'>,
  host: string,
  port: number,
): Promise<RunningHo> {
  const { config, meta, images } = deps;
  let imageApp: FastifyInstance | null = null;
  let imageOrigin: string | null = null;
  if (config.profile === 'upstream') {
    imageApp = buildImageApp({ meta, images, logLevel: config.logLevel });
    await imageApp.listen({ port: config.imagePort, host });
    const own = new URL(origin(imageApp, host));
    // Behind a public URL the image origin is the same host on the image port.
    if (config.publicUrl !== undefined) own.hostname = new URL(config.publicUrl).hostname;
    imageOrigin = own.origin;
  }
  const app = buildApp({ ...deps, ...(imageOrigin === null ? {} : { imageOrigin }) });
  try {
    await app.listen({ port, host, backlog: LISTEN_BACKLOG });
  } catch (err) {
    await imageApp?.close();
    throw err;
  }
  return {
    app,
    url: origin(app, host),
    imageOrigin,
    async close() {
      await app.close();
      await imageApp?.close();
    },
  };
}
