/**
 * Translation: English and Bahasa Indonesia. Each feature keeps its own message table next to its
 * components (`defineMessages`), so the compiler checks that both languages have every key with the
 * same shape, and features can be added without editing one shared file.
 */
import { signal } from '@preact/signals';

import type { Lang } from './lang';

export type { Lang };

/** Every language, in the order the settings switch lists them, with its own name. */
export const LANGUAGES: readonly { lang: Lang; name: string }[] = [
  { lang: 'en', name: 'English' },
  { lang: 'id', name: 'Bahasa Indonesia' },
];

const STORAGE_KEY = 'ui-language';

/** A message is plain text or a function of its parameters returning text (never HTML). */
type Message = string | ((...args: never[]) => string);

/** The UI language: the user's choice from settings, else the browser's preference. */
export const lang = signal<Lang>(initialLang());

/** Number formatting in the current language ("1,234" / "1.234"). */
export function formatNumber(n: number): string {
  return n.toLocaleString(localeOf(lang.value));
}

/** BCP 47 locale of a UI language, for Intl formatting. */
export function localeOf(l: Lang): string {
  return l === 'id' ? 'id-ID' : 'en-US';
}

/** Switches the language and remembers the choice on this terminal. */
export function setLang(l: Lang): void {
  lang.value = l;
  document.documentElement.lang = l;
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    // Storage can be disabled by policy on locked-down terminals; the switch still applies to this session.
  }
}

/**
 * Declares a feature's messages in both languages and returns its accessor; call it during render
 * (`const m = messages(); m.signIn`) so the component re-renders when the language changes.
 */
export function defineMessages<T extends Record<string, Message>>(
  en: T,
  id: { [K in keyof T]: T[K] },
): () => T {
  return () => (lang.value === 'id' ? id : en);
}

function initialLang(): Lang {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    stored = null;
  }
  if (stored === 'en' || stored === 'id') return stored;
  // "in" is the pre-1989 ISO code for Indonesian that some Android builds still report.
  const preferred = navigator.languages.find((l) => /^(en|id|in)\b/i.test(l)) ?? 'en';
  return /^(id|in)\b/i.test(preferred) ? 'id' : 'en';
}
