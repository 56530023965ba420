/** Texts of the product gallery, in English and Bahasa Indonesia. */
import { defineMessages } from '../i18n';

/** Gallery messages; numbers arrive already formatted for the language. */
export const galleryMessages = defineMessages(
  {
    title: 'Products',
    search: 'Search products',
    searchHint: 'Name or SKU',
    count: (n: string) => `${n} products`,
    matches: (shown: string, total: string) => `${shown} of ${total} products`,
    noMatch: (query: string) => `No product matches “${query}”.`,
    empty: 'No products yet: they appear here as the first sync brings their photos.',
    sku: (sku: string) => `SKU ${sku}`,
    photoCount: (n: number, formatted: string) => (n === 1 ? '1 photo' : `${formatted} photos`),
    noPhoto: 'No photo',
    photoFailed: 'Photo unavailable',
    photoOf: (i: string, n: string) => `Photo ${i} of ${n}`,
    primary: 'primary',
    close: 'Close',
  },
  {
    title: 'Produk',
    search: 'Cari produk',
    searchHint: 'Nama atau SKU',
    count: (n: string) => `${n} produk`,
    matches: (shown: string, total: string) => `${shown} dari ${total} produk`,
    noMatch: (query: string) => `Tidak ada produk yang cocok dengan “${query}”.`,
    empty: 'Belum ada produk: produk muncul di sini saat sinkronisasi pertama membawa fotonya.',
    sku: (sku: string) => `SKU ${sku}`,
    photoCount: (_n: number, formatted: string) => `${formatted} foto`,
    noPhoto: 'Tanpa foto',
    photoFailed: 'Foto tidak tersedia',
    photoOf: (i: string, n: string) => `Foto ${i} dari ${n}`,
    primary: 'utama',
    close: 'Tutup',
  },
);
