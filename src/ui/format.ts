/** Locale-aware formatting of numbers people read: byte sizes, rates and timestamps in the UI language. */
import { lang, localeOf } from './i18n';

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

function decimal(value: number, digits: number): string {
  return value.toLocaleString(localeOf(lang.value), {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** Bytes as "12.3 MB" ("12,3 MB" in Bahasa Indonesia); decimal units, as storage quotas are reported. */
export function formatBytes(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${decimal(value, unit === 0 ? 0 : 1)} ${BYTE_UNITS[unit]}`;
}

/** A rate with one decimal ("2.5"), for photos/s and MB/s. */
export function formatRate(perSecond: number): string {
  return decimal(perSecond, 1);
}

/** A timestamp in the terminal's local time, formatted for the UI language. */
export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(localeOf(lang.value), {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}

/** A time of day with seconds (epoch ms), e.g. when a lockout ends. */
export function formatTimeOfDay(ms: number): string {
  return new Date(ms).toLocaleTimeString(localeOf(lang.value));
}
