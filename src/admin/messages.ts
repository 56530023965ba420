/**
 * Every sentence of the fleet console, in English and Bahasa Indonesia. The Indonesian table is typed
 * from the English one, so the compiler checks both have every key with the same parameters.
 */
import { signal } from '@preact/signals';
import type { TerminalState } from '../shared/fleet-api';

/** Languages of the console. */
export type Lang = 'en' | 'id';

const EN = {
  title: 'Fleet console',
  skip: 'Skip to content',
  language: 'Language',
  signInTitle: 'Sign in to the fleet console',
  signInHint: 'Use a Head Office admin account.',
  username: 'Username',
  password: 'Password',
  signIn: 'Sign in',
  signingIn: 'Signing in…',
  signOut: 'Sign out',
  badCredentials: 'Wrong username or password.',
  notAdmin: 'This account is not an admin account.',
  sessionEnded: 'Your session ended. Please sign in again.',
  unreachable: 'The Head Office server cannot be reached. Retrying…',
  serverError: (status: number, message: string) => `The server answered ${status}: ${message}`,
  overview: 'Fleet overview',
  counts: 'Terminals per state',
  state: 'State',
  anyState: 'Any state',
  store: 'Store',
  anyStore: 'All stores',
  search: 'Search store or terminal',
  sort: 'Sort by',
  sortStore: 'Store',
  sortState: 'State (worst first)',
  sortLastReport: 'Oldest report first',
  updatedAt: (time: string) => `Updated ${time}`,
  loading: 'Loading…',
  noMatch: 'No store or terminal matches these filters.',
  fleetTable: 'Stores and their terminals',
  terminal: 'Terminal',
  photos: 'Photos',
  synced: 'Synced',
  lastReport: 'Last report',
  failing: 'Failing',
  noTerminals: 'No terminal has reported yet',
  unnamed: 'Unnamed',
  storePhotos: (n: string) => `${n} photos`,
  syncedOf: (synced: string, total: string) => `${synced} of ${total}`,
  behindBy: (n: string, since: string) => `${n} behind since ${since}`,
  failures: (n: string) => `${n} failing`,
  page: (from: string, to: string, total: string) => `${from}–${to} of ${total}`,
  previous: 'Previous page',
  next: 'Next page',
  back: 'Back to the fleet overview',
  backToStore: 'Back to the store',
  terminalTitle: (name: string) => `Terminal ${name}`,
  storeTitle: (code: string, name: string) => `Store ${code} · ${name}`,
  terminalId: 'Terminal id',
  firstReport: 'First report',
  behindSince: 'Behind since',
  failuresTitle: 'Failing photos',
  noFailures: 'No photo is failing.',
  reason: 'Reason',
  when: 'When',
  product: 'Product',
  file: 'File',
  version: 'Version',
  changed: 'Changed at HO',
  lastStatus: 'Latest report',
  neverReported: 'never reported',
  olderVersion: 'an older version synced',
  failed: 'failed',
  unsyncedTitle: 'Photos not reported synced',
  allSynced: 'Every current photo is reported synced.',
  reportsTitle: 'Report history',
  noReports: 'No report yet.',
  items: 'Items',
  failedCol: 'Failed',
  terminalsTitle: 'Terminals',
  noPrimaryTitle: 'Products with no primary photo',
  noPrimaryNone: 'Every product has a primary photo.',
  productPhotos: (n: string) => `${n} photos`,
  gapsTitle: 'Photos no terminal has synced yet',
  gapsNone: 'Every current photo is on at least one terminal.',
  notFound: 'Not found.',
  noReason: 'no reason given',
};

const ID: typeof EN = {
  title: 'Konsol armada',
  skip: 'Lewati ke konten',
  language: 'Bahasa',
  signInTitle: 'Masuk ke konsol armada',
  signInHint: 'Gunakan akun admin Kantor Pusat.',
  username: 'Nama pengguna',
  password: 'Kata sandi',
  signIn: 'Masuk',
  signingIn: 'Sedang masuk…',
  signOut: 'Keluar',
  badCredentials: 'Nama pengguna atau kata sandi salah.',
  notAdmin: 'Akun ini bukan akun admin.',
  sessionEnded: 'Sesi Anda berakhir. Silakan masuk lagi.',
  unreachable: 'Server Kantor Pusat tidak dapat dihubungi. Mencoba lagi…',
  serverError: (status, message) => `Server menjawab ${status}: ${message}`,
  overview: 'Ringkasan armada',
  counts: 'Terminal per status',
  state: 'Status',
  anyState: 'Semua status',
  store: 'Toko',
  anyStore: 'Semua toko',
  search: 'Cari toko atau terminal',
  sort: 'Urutkan',
  sortStore: 'Toko',
  sortState: 'Status (terburuk dulu)',
  sortLastReport: 'Laporan tertua dulu',
  updatedAt: (time) => `Diperbarui ${time}`,
  loading: 'Memuat…',
  noMatch: 'Tidak ada toko atau terminal yang cocok dengan filter ini.',
  fleetTable: 'Toko dan terminalnya',
  terminal: 'Terminal',
  photos: 'Foto',
  synced: 'Tersinkron',
  lastReport: 'Laporan terakhir',
  failing: 'Gagal',
  noTerminals: 'Belum ada terminal yang melapor',
  unnamed: 'Tanpa nama',
  storePhotos: (n) => `${n} foto`,
  syncedOf: (synced, total) => `${synced} dari ${total}`,
  behindBy: (n, since) => `tertinggal ${n} sejak ${since}`,
  failures: (n) => `${n} gagal`,
  page: (from, to, total) => `${from}–${to} dari ${total}`,
  previous: 'Halaman sebelumnya',
  next: 'Halaman berikutnya',
  back: 'Kembali ke ringkasan armada',
  backToStore: 'Kembali ke toko',
  terminalTitle: (name) => `Terminal ${name}`,
  storeTitle: (code, name) => `Toko ${code} · ${name}`,
  terminalId: 'Id terminal',
  firstReport: 'Laporan pertama',
  behindSince: 'Tertinggal sejak',
  failuresTitle: 'Foto yang gagal',
  noFailures: 'Tidak ada foto yang gagal.',
  reason: 'Alasan',
  when: 'Waktu',
  product: 'Produk',
  file: 'Berkas',
  version: 'Versi',
  changed: 'Diubah di Kantor Pusat',
  lastStatus: 'Laporan terakhir',
  neverReported: 'belum pernah dilaporkan',
  olderVersion: 'versi lama tersinkron',
  failed: 'gagal',
  unsyncedTitle: 'Foto yang belum dilaporkan tersinkron',
  allSynced: 'Semua foto terkini sudah dilaporkan tersinkron.',
  reportsTitle: 'Riwayat laporan',
  noReports: 'Belum ada laporan.',
  items: 'Item',
  failedCol: 'Gagal',
  terminalsTitle: 'Terminal',
  noPrimaryTitle: 'Produk tanpa foto utama',
  noPrimaryNone: 'Semua produk punya foto utama.',
  productPhotos: (n) => `${n} foto`,
  gapsTitle: 'Foto yang belum tersinkron di terminal mana pun',
  gapsNone: 'Setiap foto terkini ada di setidaknya satu terminal.',
  notFound: 'Tidak ditemukan.',
  noReason: 'tanpa alasan',
};

/** Names of the states, per language. */
const STATE_NAMES: Record<Lang, Record<TerminalState, string>> = {
  en: { current: 'Current', behind: 'Behind', silent: 'Silent' },
  id: { current: 'Terkini', behind: 'Tertinggal', silent: 'Diam' },
};

/** The console language: the choice made here (this tab), else the browser's preference. */
export const lang = signal<Lang>(initialLang());

/** The current language's messages; read during render so a switch re-renders. */
export function t(): typeof EN {
  return lang.value === 'id' ? ID : EN;
}

/** A state's name in the current language. */
export function stateName(state: TerminalState): string {
  return STATE_NAMES[lang.value][state];
}

/** Switches the language for this tab. */
export function setLang(l: Lang): void {
  lang.value = l;
  document.documentElement.lang = l;
  sessionStorage.setItem('fleet-lang', l);
}

/** A number in the current language ("1,234" / "1.234"). */
export function num(n: number): string {
  return n.toLocaleString(lang.value === 'id' ? 'id-ID' : 'en-US');
}

/** A time in the current language, to the second. */
export function time(iso: string | null): string {
  if (iso === null) return '—';
  return new Date(iso).toLocaleString(lang.value === 'id' ? 'id-ID' : 'en-US', {
    dateStyle: 'medium',
    timeStyle: 'medium',
  });
}

function initialLang(): Lang {
  const stored = sessionStorage.getItem('fleet-lang');
  if (stored === 'en' || stored === 'id') return stored;
  // The first of the browser's languages the console speaks ("in" is Indonesian on old Android builds).
  const preferred = navigator.languages.find((l) => /^(en|id|in)\b/i.test(l)) ?? 'en';
  return /^(id|in)\b/i.test(preferred) ? 'id' : 'en';
}
