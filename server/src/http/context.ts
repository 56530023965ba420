/**
 * What every route module receives, plus the authentication and store-scope guards they share.
 */
import type { FastifyRequest } from 'fastify';
import type { TokenService } from '../auth/tokens';
import type { Config } from '../config';
import type { Faults } from '../faults';
import type { ImageRepository, MetadataRepository, Store } from '../persistence/types';
import { ApiError, unauthorized } from './errors';

/** Dependencies of the route modules. */
export interface RouteContext {
  config: Config;
  meta: MetadataRepository;
  images: ImageRepository;
  faults: Faults;
  tokens: TokenService;
}

/** The authenticated caller of a request. */
export interface Principal {
  username: string;
  admin: boolean;
  storeIds: ReadonlySet<string>;
}

/** The caller from `Authorization: Bearer <access token>`; 401 (with the Bearer challenge) otherwise. */
export async function authenticate(ctx: RouteContext, request: FastifyRequest): Promise<Principal> {
  const header = request.headers.authorization;
  if (!header) throw unauthorized('Authentication credentials were not provided');
  const m = /^Bearer +([^ ]+) *$/i.exec(header);
  if (!m) throw unauthorized("Authorization header must be 'Bearer <token>'");
  const username = ctx.tokens.verifyAccess(m[1]!);
  const user = await ctx.meta.getUser(username);
  if (!user) throw unauthorized('User not found');
  return { username, admin: user.role === 'admin', storeIds: new Set(user.store_ids) };
}

/** The store the caller asked for: 404 "Store not found" when unknown, 403 when not theirs. */
export async function storeInScope(
  ctx: RouteContext,
  who: Principal,
  storeId: string,
): Promise<Store> {
  const store = await ctx.meta.getStore(storeId);
  if (!store) throw new ApiError(404, 'Store not found');
  if (!who.admin && !who.storeIds.has(store.id))
    throw new ApiError(403, 'You do not have access to this store');
  return store;
}

/** The stores the caller may sync. */
export async function storesOf(ctx: RouteContext, who: Principal): Promise<Store[]> {
  return (await ctx.meta.listStores()).filter((s) => who.admin || who.storeIds.has(s.id));
}

/** 403 unless the caller is an admin. */
export async function requireAdmin(ctx: RouteContext, request: FastifyRequest): Promise<Principal> {
  const who = await authenticate(ctx, request);
  if (!who.admin) throw new ApiError(403, 'Admin access required');
  return who;
}
