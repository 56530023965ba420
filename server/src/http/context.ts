/**
 * What every route module receives, plus the authentication and store-scope guards they share.
 */
import type { FastifyRequest } from 'fastify';
import type { HashSlots } from '../auth/hash-slots';
import type { FailureCounter, LoginThrottle } from '../auth/login-throttle';
import type { TokenService, TokenSession } from '../auth/tokens';
import type { Config } from '../config';
import type { Faults } from '../faults';
import type {
  ImageRepository,
  MetadataRepository,
  PhotoWriter,
  Store,
  User,
} from '../persistence/types';
import { ApiError, unauthorized } from './errors';

/** Dependencies of the route modules. */
export interface RouteContext {
  config: Config;
  meta: MetadataRepository;
  images: ImageRepository;
  photos: PhotoWriter;
  faults: Faults;
  tokens: TokenService;
  throttle: LoginThrottle;
  /** Fixed-window counts shared by the processes of one database (sign-in failures, status reports). */
  windows: FailureCounter;
  hashSlots: HashSlots;
  /** Epoch milliseconds (injected, so tests move time instead of waiting for it). */
  clock: () => number;
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
  const user = await sessionUser(ctx, ctx.tokens.verifyAccess(m[1]!));
  return {
    username: user.username,
    admin: user.role === 'admin',
    storeIds: new Set(user.store_ids),
  };
}

/**
 * The user a token's session belongs to, if it may still act: 401 when the user is gone or disabled,
 * or when their token generation moved on (password changed, disabled since the token was issued).
 */
export async function sessionUser(ctx: RouteContext, session: TokenSession): Promise<User> {
  const user = await ctx.meta.getUser(session.username);
  if (!user) throw unauthorized('User not found');
  if (user.disabled) throw unauthorized('User is inactive');
  if (user.token_generation !== session.generation) throw unauthorized('Token has been revoked');
  return user;
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
