/**
 * The fleet console's admin-only JSON API (reference HO extension, see docs/api-reference.md):
 * GET /api/v1/admin/fleet/, GET /api/v1/admin/stores/<id>/fleet/ and
 * GET /api/v1/admin/stores/<id>/terminals/<terminal_id>/, all paged with limit/offset.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  FLEET_MAX_LIMIT,
  FLEET_SORTS,
  type FleetSort,
  TERMINAL_STATES,
  type TerminalState,
} from '../../../src/shared/fleet-api';
import { FleetService, type PageQuery } from '../fleet/fleet-service';
import { type RouteContext, requireAdmin } from '../http/context';
import { badRequest } from '../http/errors';
import { intParam, queryValue, requiredUuid } from '../http/params';
import { REPORT_HISTORY } from '../persistence/types';

const DEFAULT_LIMIT = 50;
const DEFAULT_REPORTS = 20;
/** Longest accepted search text or terminal id. */
const MAX_TEXT = 200;

function page(request: FastifyRequest): PageQuery {
  return {
    limit: intParam(queryValue(request.query, 'limit'), 'limit', DEFAULT_LIMIT, 1, FLEET_MAX_LIMIT),
    offset: intParam(queryValue(request.query, 'offset'), 'offset', 0, 0),
  };
}

function oneOf<T extends string>(
  request: FastifyRequest,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const v = queryValue(request.query, name);
  if (v === undefined || v === '') return undefined;
  if (!(allowed as readonly string[]).includes(v))
    throw badRequest(`${name} must be one of ${allowed.join(', ')}`);
  return v as T;
}

function text(value: string | undefined, name: string): string | undefined {
  if (value !== undefined && value.length > MAX_TEXT)
    throw badRequest(`${name} must be at most ${MAX_TEXT} characters`);
  return value;
}

function param(request: FastifyRequest, name: 'store_id' | 'terminal_id'): string {
  return (request.params as Record<string, string>)[name] ?? '';
}

/** Registers the fleet routes; `silentAfterS` comes from the config. */
export function fleetRoutes(app: FastifyInstance, ctx: RouteContext, clock: () => number): void {
  const fleet = new FleetService(ctx.meta, clock, ctx.config.fleetSilentAfterS);
  const admin = {
    preHandler: async (request: FastifyRequest) => void (await requireAdmin(ctx, request)),
  };
  const ok = <T>(data: T) => ({ status: 'success' as const, data });

  app.get('/api/v1/admin/fleet/', admin, async (request) => {
    const storeId = queryValue(request.query, 'store_id');
    const state = oneOf<TerminalState>(request, 'state', TERMINAL_STATES);
    const q = text(queryValue(request.query, 'q'), 'q');
    return ok(
      await fleet.overview({
        ...page(request),
        ...(storeId ? { store_id: requiredUuid(storeId, 'store_id') } : {}),
        ...(state ? { state } : {}),
        ...(q ? { q } : {}),
        sort: oneOf<FleetSort>(request, 'sort', FLEET_SORTS) ?? 'store',
      }),
    );
  });
  app.get('/api/v1/admin/stores/:store_id/fleet/', admin, async (request) =>
    ok(await fleet.store(requiredUuid(param(request, 'store_id'), 'store_id'), page(request))),
  );
  app.get('/api/v1/admin/stores/:store_id/terminals/:terminal_id/', admin, async (request) => {
    const terminalId = text(param(request, 'terminal_id'), 'terminal_id') ?? '';
    const reports = intParam(
      queryValue(request.query, 'reports'),
      'reports',
      DEFAULT_REPORTS,
      1,
      REPORT_HISTORY,
    );
    return ok(
      await fleet.terminal(
        requiredUuid(param(request, 'store_id'), 'store_id'),
        terminalId,
        page(request),
        reports,
      ),
    );
  });
}
