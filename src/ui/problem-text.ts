/**
 * What the person reads for every problem code that crosses the bridge (src/shared/problems.ts), in
 * English and Bahasa Indonesia. Pure data and functions, no DOM: test/unit/problem-text.test.ts walks
 * every code in both languages.
 */
import type { ConfigFieldProblem, Problem, ProblemCode, ProblemOf } from '../shared/problems';
import type { Lang } from './lang';

/** One sentence (or two) per code, from its parameters. */
export type ProblemTable = { [C in ProblemCode]: (p: ProblemOf<C>) => string };

/** One broken config.json field, in English. */
function fieldEn(f: ConfigFieldProblem): string {
  const name = `"${f.field}"`;
  switch (f.rule) {
    case 'unknown':
      return `${name} is not a known field (allowed: ${f.allowed.join(', ')})`;
    case 'text':
      return `${name} must be a string`;
    case 'http-url':
      return `${name} must be an http:// or https:// URL`;
    case 'path':
      return `${name} must be a path starting with /`;
    case 'whole-number':
      return `${name} must be a whole number >= ${f.min}`;
    case 'list-method':
      return `${name} must be "GET" or "POST"`;
    case 'id':
      return `${name} must be an id (letters, digits, . _ ~ -)`;
    case 'origins':
      return `${name} must be a list of http:// or https:// origins`;
  }
}

/** One broken config.json field, in Bahasa Indonesia. */
function fieldId(f: ConfigFieldProblem): string {
  const name = `"${f.field}"`;
  switch (f.rule) {
    case 'unknown':
      return `${name} bukan kolom yang dikenal (yang boleh: ${f.allowed.join(', ')})`;
    case 'text':
      return `${name} harus berupa teks`;
    case 'http-url':
      return `${name} harus URL http:// atau https://`;
    case 'path':
      return `${name} harus path yang diawali /`;
    case 'whole-number':
      return `${name} harus bilangan bulat >= ${f.min}`;
    case 'list-method':
      return `${name} harus "GET" atau "POST"`;
    case 'id':
      return `${name} harus berupa id (huruf, angka, . _ ~ -)`;
    case 'origins':
      return `${name} harus daftar origin http:// atau https://`;
  }
}

const en: ProblemTable = {
  'settings.server-url-missing': () => 'Check the settings. Enter the Server URL.',
  'settings.store-id-missing': () => 'Check the settings. Enter the Store ID.',
  'settings.server-url-scheme': () =>
    'Check the settings. The Server URL must start with http:// or https://.',
  'settings.out-of-range': ({ setting }) => `Check the settings: ${setting} cannot be that value.`,
  'config.unreadable': ({ status }) =>
    `config.json next to index.html could not be read (HTTP ${status}); none of it is used.`,
  'config.not-an-object': () =>
    'config.json next to index.html is malformed: it must hold one JSON object; none of it is used.',
  'config.malformed': ({ fields }) =>
    `config.json is malformed: ${fields.map(fieldEn).join('; ')}. None of it is used.`,
  'auth.wrong-credentials': ({ credentials }) =>
    `Wrong credentials. ${
      credentials === 'token'
        ? 'The server refused this access token.'
        : credentials === 'password'
          ? 'Wrong username or password.'
          : 'The server refused the sign-in; sign in again.'
    }`,
  'auth.expired': () => 'The server no longer accepts this sign-in; sign in again.',
  'http.unreachable': ({ server }) =>
    `Server unreachable. Cannot reach ${server}. Check the address and the network.`,
  'http.cors': ({ server, origin }) =>
    `The server refused this app (CORS). ${server} answers, but not to this app. On that server add ${origin} to the allowed origins (CORS_ORIGINS), or serve this app from the server's own address.`,
  'http.blocked-by-policy': ({ server, allowed }) =>
    `Blocked by this app's security policy. ${
      allowed.length > 0
        ? `This app may only connect to ${allowed.join(', ')}.`
        : `This app may not connect to ${server}.`
    } To use ${server}, set "serverUrl" in config.json next to index.html to ${server}, or run the reference server in proxy mode (--proxy) so the HO is the app's own origin.`,
  'http.not-pps-server': ({ server, reason }) =>
    `Not a Product Photo Sync server. ${server} does not answer like one (${reason}).`,
  'http.server-error': ({ reason }) => `The server had a problem; try again later (${reason}).`,
  'http.offline': () => 'The server does not answer.',
  'http.status': ({ status }) => `The server answered with an error (HTTP ${status}).`,
  'http.timeout': () => 'The server took too long to answer.',
  'http.connection-closed': () => 'The connection to the server broke off.',
  'http.invalid-response': ({ field }) =>
    `The server sent something this app cannot trust (field ${field}).`,
  'store.not-found': ({ storeId }) => `Store not found. Store ${storeId} is not on this server.`,
  'store.not-listed': ({ storeId }) =>
    `Store not found. Store ${storeId} is not one of the stores this account may sync.`,
  'store.forbidden': ({ storeId }) =>
    `No access to this store. This account may not sync store ${storeId}.`,
  'sync.checksum-mismatch': () => 'A photo arrived damaged (its checksum did not match).',
  'sync.size-mismatch': () => 'A photo arrived incomplete (its size did not match).',
  'sync.unsupported-image-type': () =>
    'Unsupported image type: only JPEG, PNG, WebP, GIF and AVIF photos are shown.',
  'sync.listing-unstable': () =>
    'The photo list kept changing while it was read; the next sync tries again.',
  'sync.stopped': () => 'Sync stopped.',
  'storage.full': () => 'Storage full.',
  'bridge.no-service-worker': () =>
    'This browser has no service workers; the app cannot work here.',
  'bridge.not-ready': ({ waiting }) =>
    waiting ? 'No update is waiting yet.' : 'The app is still starting; try again in a moment.',
  'bridge.timeout': ({ command, seconds }) =>
    `The app's background worker did not answer "${command}" within ${seconds} s.`,
  internal: ({ detail }) => `Something went wrong inside the app (${detail}).`,
};

const id: ProblemTable = {
  'settings.server-url-missing': () => 'Periksa pengaturan. Isi URL Server.',
  'settings.store-id-missing': () => 'Periksa pengaturan. Isi ID Toko.',
  'settings.server-url-scheme': () =>
    'Periksa pengaturan. URL Server harus diawali http:// atau https://.',
  'settings.out-of-range': ({ setting }) =>
    `Periksa pengaturan: nilai ${setting} tidak dapat dipakai.`,
  'config.unreadable': ({ status }) =>
    `config.json di samping index.html tidak dapat dibaca (HTTP ${status}); tidak ada isinya yang dipakai.`,
  'config.not-an-object': () =>
    'config.json di samping index.html rusak: isinya harus satu objek JSON; tidak ada isinya yang dipakai.',
  'config.malformed': ({ fields }) =>
    `config.json rusak: ${fields.map(fieldId).join('; ')}. Tidak ada isinya yang dipakai.`,
  'auth.wrong-credentials': ({ credentials }) =>
    `Kredensial salah. ${
      credentials === 'token'
        ? 'Server menolak token akses ini.'
        : credentials === 'password'
          ? 'Nama pengguna atau kata sandi salah.'
          : 'Server menolak proses masuk; silakan masuk lagi.'
    }`,
  'auth.expired': () => 'Server tidak lagi menerima sesi ini; silakan masuk lagi.',
  'http.unreachable': ({ server }) =>
    `Server tidak dapat dihubungi. ${server} tidak dapat dijangkau. Periksa alamat dan jaringan.`,
  'http.cors': ({ server, origin }) =>
    `Server menolak aplikasi ini (CORS). ${server} menjawab, tetapi tidak untuk aplikasi ini. Di server itu tambahkan ${origin} ke daftar origin yang diizinkan (CORS_ORIGINS), atau buka aplikasi ini dari alamat server itu sendiri.`,
  'http.blocked-by-policy': ({ server, allowed }) =>
    `Diblokir oleh kebijakan keamanan aplikasi ini. ${
      allowed.length > 0
        ? `Aplikasi ini hanya boleh terhubung ke ${allowed.join(', ')}.`
        : `Aplikasi ini tidak boleh terhubung ke ${server}.`
    } Untuk memakai ${server}, isi "serverUrl" di config.json (di sebelah index.html) dengan ${server}, atau jalankan server referensi dalam mode proxy (--proxy) agar HO berada di origin aplikasi ini sendiri.`,
  'http.not-pps-server': ({ server, reason }) =>
    `Bukan server Product Photo Sync. ${server} tidak menjawab seperti server itu (${reason}).`,
  'http.server-error': ({ reason }) => `Server bermasalah; coba lagi nanti (${reason}).`,
  'http.offline': () => 'Server tidak menjawab.',
  'http.status': ({ status }) => `Server menjawab dengan galat (HTTP ${status}).`,
  'http.timeout': () => 'Server terlalu lama menjawab.',
  'http.connection-closed': () => 'Koneksi ke server terputus.',
  'http.invalid-response': ({ field }) =>
    `Server mengirim data yang tidak dapat dipercaya aplikasi ini (kolom ${field}).`,
  'store.not-found': ({ storeId }) =>
    `Toko tidak ditemukan. Toko ${storeId} tidak ada di server ini.`,
  'store.not-listed': ({ storeId }) =>
    `Toko tidak ditemukan. Toko ${storeId} bukan salah satu toko yang boleh disinkronkan akun ini.`,
  'store.forbidden': ({ storeId }) =>
    `Tidak ada akses ke toko ini. Akun ini tidak boleh menyinkronkan toko ${storeId}.`,
  'sync.checksum-mismatch': () => 'Sebuah foto tiba dalam keadaan rusak (checksum tidak cocok).',
  'sync.size-mismatch': () => 'Sebuah foto tiba tidak lengkap (ukurannya tidak cocok).',
  'sync.unsupported-image-type': () =>
    'Jenis gambar tidak didukung: hanya foto JPEG, PNG, WebP, GIF, dan AVIF yang ditampilkan.',
  'sync.listing-unstable': () =>
    'Daftar foto terus berubah saat dibaca; sinkronisasi berikutnya mencoba lagi.',
  'sync.stopped': () => 'Sinkronisasi dihentikan.',
  'storage.full': () => 'Penyimpanan penuh.',
  'bridge.no-service-worker': () =>
    'Peramban ini tidak mendukung service worker; aplikasi tidak dapat berjalan di sini.',
  'bridge.not-ready': ({ waiting }) =>
    waiting
      ? 'Belum ada pembaruan yang menunggu.'
      : 'Aplikasi masih dimulai; coba lagi sebentar lagi.',
  'bridge.timeout': ({ command, seconds }) =>
    `Pekerja latar aplikasi tidak menjawab "${command}" dalam ${seconds} dtk.`,
  internal: ({ detail }) => `Terjadi kesalahan di dalam aplikasi (${detail}).`,
};

/** The tables by language. */
export const PROBLEM_TEXT: Record<Lang, ProblemTable> = { en, id };

/** What the person reads for `problem` in `lang`. */
export function problemText(lang: Lang, problem: Problem): string {
  const say = PROBLEM_TEXT[lang][problem.code] as (p: Problem) => string;
  return say(problem);
}
