/** The demo chain's menu: brands, which demo store sells which brand, and each brand's products. */

/** A brand of the demo chain with its menu (upper case, as POS menus print them). */
export interface DemoBrand {
  key: string;
  name: string;
  /** Codes of the demo stores that sell this brand. */
  stores: string[];
  products: string[];
}

/** Sold by two brands as two products that share one photo (same bytes, same object). */
export const SHARED_PRODUCT = 'KERUPUK UDANG';

/** The menu; a store sees the brands that list its code. */
export const DEMO_BRANDS: readonly DemoBrand[] = [
  {
    key: 'warung-rasa',
    name: 'Warung Rasa',
    stores: ['JKT-01', 'BDG-01'],
    products: [
      'NASI GORENG KAMPUNG',
      'NASI GORENG SEAFOOD',
      'AYAM BAKAR MADU',
      'AYAM GORENG KREMES',
      'AYAM PENYET SAMBAL IJO',
      'SATE AYAM MADURA',
      'SATE KAMBING',
      'RENDANG SAPI',
      'GADO-GADO',
      'SOTO AYAM LAMONGAN',
      'NASI UDUK KOMPLIT',
      'IGA BAKAR',
      'SOP BUNTUT',
      SHARED_PRODUCT,
    ],
  },
  {
    key: 'mie-nusantara',
    name: 'Mie Nusantara',
    stores: ['JKT-01'],
    products: [
      'MIE AYAM BAKSO',
      'MIE GORENG JAWA',
      'MIE REBUS ACEH',
      'BAKMI AYAM JAMUR',
      'KWETIAU GORENG SAPI',
      'BIHUN GORENG',
      'BAKSO URAT',
      'BAKSO TELUR JUMBO',
      'MIE KOCOK BANDUNG',
      'LAKSA BOGOR',
      'MIE CAKALANG',
      'PANGSIT GORENG',
      SHARED_PRODUCT,
    ],
  },
  {
    key: 'kopi-senja',
    name: 'Kopi Senja',
    stores: ['JKT-01', 'BDG-01'],
    products: [
      'KOPI SUSU GULA AREN',
      'ES KOPI SUSU',
      'AMERICANO',
      'CAPPUCCINO',
      'CAFE LATTE',
      'KOPI TUBRUK',
      'VIETNAM DRIP',
      'MATCHA LATTE',
      'COKLAT PANAS',
      'TEH TARIK',
      'KOPI PANDAN',
      'AFFOGATO',
      'ES KOPI KELAPA',
    ],
  },
  {
    key: 'roti-manis',
    name: 'Roti Manis',
    stores: ['BDG-01'],
    products: [
      'ROTI SOBEK COKLAT',
      'ROTI ABON SAPI',
      'ROTI KEJU',
      'DONAT GULA',
      'DONAT MESES',
      'BOLU PANDAN',
      'KUE LAPIS LEGIT',
      'MARTABAK MANIS MINI',
      'CROISSANT MENTEGA',
      'ROTI BAKAR SRIKAYA',
      'PISANG BOLEN',
      'BIKA AMBON',
      'ONDE-ONDE',
    ],
  },
  {
    key: 'es-segar',
    name: 'Es Segar',
    stores: ['JKT-01'],
    products: [
      'ES CENDOL DURIAN',
      'ES CAMPUR',
      'ES TELER',
      'ES DAWET',
      'ES DOGER',
      'ES KELAPA MUDA',
      'ES JERUK PERAS',
      'JUS ALPUKAT',
      'JUS MANGGA',
      'ES TEH MANIS',
      'KLEPON',
      'PISANG IJO',
      'ES BUAH SEGAR',
    ],
  },
];

/** How many photos a product gets: mostly one, some two or three, so galleries and primaries get exercised. */
export function photoCount(productIndex: number): number {
  return productIndex % 7 === 3 ? 3 : productIndex % 5 === 1 ? 2 : 1;
}
