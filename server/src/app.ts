/**
 * The reference HO server as a fastify instance, built from its dependencies and not yet
 * listening, so tests and main.ts share exactly the same app.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { DEFAULT_HASH_SLOTS, HashSlots } from './auth/hash-slots';
import { type FailureCounter, LoginThrottle, MemoryFailureCounter } from './auth/login-throttle';
import { type TokenBlacklist, TokenService } from './auth/tokens';
import type { Config } from './config';
import type { FaultRoute, Faults } from './faults';
import { registerCors } from './http/cors';
import type { RouteContext } from './http/context';
import { handleError, sendError } from './http/errors';
import { registerProxy } from './http/proxy';
import { serveStatic } from './http/static';
import { adminRoutes, UPLOAD_TYPES } from './routes/admin';
import { authRoutes } from './routes/auth';
import { downloadRoutes } from './routes/download';
import { djangoNotFound, upstreamRoutes } from './profiles/upstream';
import { fleetRoutes } from './routes/fleet';
import { photoRoutes } from './routes/photos';
import { statusRoutes } from './routes/status';
import type { ImageRepository, MetadataRepository, PhotoWriter } from './persistence/types';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The client-facing route group injected faults may hit. */
    faultRoute?: FaultRoute;
  }
}

/** Everything the app needs; `clock` is epoch milliseconds (token times). */
export interface AppDeps {
  config: Config;
  meta: MetadataRepository;
  images: ImageRepository;
  photos: PhotoWriter;
  clock: () => number;
  faults: Faults;
  /** Failed sign-in counts (in the database); in memory by default. */
  failures?: FailureCounter;
  /** Refresh-token blacklist (in the database). */
  blacklist: TokenBlacklist;
  /** Resolves when the database answers; GET /healthz reports it. */
  ping: () => Promise<void>;
  /** Origin of the image listener `image_url` points to; required by the upstream profile. */
  imageOrigin?: string;
}

/** Largest JSON or form body (a full 1000-item status batch fits many times over). */
export const BODY_LIMIT = 1024 * 1024;

/** Builds the app: error handling, CORS, faults, API (embedded or proxied) and the static PWA. */
export function buildApp(deps: AppDeps): FastifyInstance {
  const { config, faults } = deps;
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    bodyLimit: BODY_LIMIT,
    exposeHeadRoutes: false,
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true },
    frameworkErrors: (err, request, reply) => void handleError(err, request, reply),
  });
  app.setErrorHandler(handleError);
  const { imageOrigin } = deps;
  if (config.profile === 'upstream' && imageOrigin === undefined)
    throw new Error('the upstream profile needs the origin of its image listener');
  // The service worker fetches image_url from the image origin: its policy must allow it.
  const connect = imageOrigin === undefined ? [] : [imageOrigin];
  app.setNotFoundHandler((request, reply) =>
    config.profile === 'upstream' && request.url.startsWith('/api/')
      ? djangoNotFound(reply)
      : serveStatic(config.staticDir, request, reply, connect),
  );

  registerCors(app, config.corsOrigins);
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.config.faultRoute;
    const failure = route ? await faults.beforeRequest(route) : undefined;
    if (!failure) return;
    if (failure.retryAfterS !== undefined) reply.header('retry-after', String(failure.retryAfterS));
    if (failure.status === 429) return sendError(reply, 429, 'Too many requests');
    if (failure.status === 503) return sendError(reply, 503, 'Service unavailable');
    return sendError(reply, 500, 'Internal server error', 'Injected fault');
  });

  if (config.proxyUrl) {
    registerProxy(app, config.proxyUrl);
    return app;
  }

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );
  app.addContentTypeParser(UPLOAD_TYPES, { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body),
  );

  const windows = deps.failures ?? new MemoryFailureCounter();
  const ctx: RouteContext = {
    config,
    meta: deps.meta,
    images: deps.images,
    photos: deps.photos,
    faults,
    tokens: new TokenService({
      secret: config.jwtSecret,
      accessTtlS: () => faults.accessTtlS(config.accessTtlS),
      refreshTtlS: config.refreshTtlS,
      sessionMaxS: config.sessionMaxS,
      clock: deps.clock,
      revoked: deps.blacklist,
    }),
    throttle: new LoginThrottle(windows, config.loginLimits, deps.clock),
    windows,
    hashSlots: new HashSlots(DEFAULT_HASH_SLOTS, config.hashCpuShare),
    clock: deps.clock,
  };
  // Load-balancer health check: 200 while this instance can reach its database, 503 otherwise.
  app.get('/healthz', async (_request, reply) => {
    try {
      await deps.ping();
      return { status: 'ok' };
    } catch {
      return sendError(reply, 503, 'Database unavailable');
    }
  });
  if (imageOrigin !== undefined && config.profile === 'upstream') {
    authRoutes(app, ctx, ['/api/v1']);
    upstreamRoutes(app, ctx, imageOrigin);
    adminRoutes(app, ctx);
    return app;
  }
  for (const routes of [authRoutes, photoRoutes, downloadRoutes, statusRoutes, adminRoutes])
    routes(app, ctx);
  fleetRoutes(app, ctx, deps.clock);
  return app;
}
