/**
 * What every route module receives, plus the authentication and store-scope guards they share.
 */
import type { FastifyRequest } from 'fastify';
import type { HashSlots } from '../auth/hash-slots';
import type { LoginThrottle } from '../auth/login-throttle';
import type { TokenService } from '../auth/tokens';
import type { Config } from '../config';
import type { Faults } from '../faults';
import type { ImageStore, MetadataStore, Store } from '../store/types';
import { ApiError, unauthorized } from './errors';

/** Dependencies of the route modules. */
export interface RouteContext {
  config: Config;
  meta: MetadataStore;
  images: ImageStore;
  faults: Faults;
  tokens: TokenService;
  throttle: LoginThrottle;
  hashSlots: HashSlots;
}

/** The authenticated caller of a request. */
export interface Principal {
  username: string;
  admin: boolean;
  storeIds: ReadonlySet<string>;
}

/** The caller from `Authorization: Bearer <access token>`; 401 (with the Bearer challenge) otherwise. */
export function authenticate(ctx: RouteContext, request: FastifyRequest): Principal {
  const header = request.headers.authorization;
  if (!header) throw unauthorized('Authentication credentials were not provided');
  const m = /^Bearer +([^ ]+) *$/i.exec(header);
  if (!m) throw unauthorized("Authorization header must be 'Bearer <token>'");
  const username = ctx.tokens.verifyAccess(m[1]!);
  const user = ctx.meta.getUser(username);
  if (!user) throw unauthorized('User not found');
  return { username, admin: user.role === 'admin', storeIds: new Set(user.store_ids) };
}

/** The store the caller asked for: 404 "Store not found" when unknown, 403 when not theirs. */
export function storeInScope(ctx: RouteContext, who: Principal, storeId: string): Store {
  const store = ctx.meta.getStore(storeId);
  if (!store) throw new ApiError(404, 'Store not found');
  if (!who.admin && !who.storeIds.has(store.id))
    throw new ApiError(403, 'You do not have access to this store');
  return store;
}

/** The stores the caller may sync. */
export function storesOf(ctx: RouteContext, who: Principal): Store[] {
  return ctx.meta.listStores().filter((s) => who.admin || who.storeIds.has(s.id));
}

/** 403 unless the caller is an admin. */
export function requireAdmin(ctx: RouteContext, request: FastifyRequest): Principal {
  const who = authenticate(ctx, request);
  if (!who.admin) throw new ApiError(403, 'Admin access required');
  return who;
}
