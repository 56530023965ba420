/**
 * Timestamp normalisation. Stores keep every time as "YYYY-MM-DDTHH:mm:ss.sssZ" so that string
 * order equals time order; inputs may come the way real clients send them (with or without
 * fractional seconds, `Z`, `+00:00`, `+0700`, or no zone at all, which means UTC).
 */
import { InvalidInputError } from './errors';
import type { IsoTime } from './types';

const ISO_INPUT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Formats epoch milliseconds as the canonical stored form. */
export function isoFromMs(ms: number): IsoTime {
  return new Date(ms).toISOString();
}

function invalid(input: string): InvalidInputError {
  return new InvalidInputError(`Invalid ISO 8601 timestamp: ${JSON.stringify(input)}`);
}

/** Parses an ISO 8601 timestamp into the canonical stored form; throws InvalidInputError when malformed. */
export function toIsoTime(input: string): IsoTime {
  const m = ISO_INPUT.exec(input);
  if (!m) throw invalid(input);
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  const validClock = Number(h) < 24 && Number(mi) < 60 && Number(s) < 60;
  if (day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d) || !validClock)
    throw invalid(input);
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = frac.padEnd(3, '0').slice(0, 3);
  const parsed = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}${offset}`);
  if (Number.isNaN(parsed)) throw invalid(input);
  return isoFromMs(parsed);
}
