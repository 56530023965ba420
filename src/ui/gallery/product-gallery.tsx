/** The product gallery: search by name or SKU, the windowed tile grid and the product dialog. */
import { useState } from 'preact/hooks';
import type { Product } from '../../shared/messages';
import { formatNumber } from '../i18n';
import { galleryMessages } from './gallery-messages';
import { ProductDetail } from './product-detail';
import { ProductGrid } from './product-grid';
import './gallery.css';

/** The products as loaded so far: the grid shows `matches` tiles, `at` those whose page arrived. */
export interface GalleryProducts {
  query: string;
  /** Products matching the query; null until the first answer. */
  matches: number | null;
  /** Products in the catalog. */
  total: number;
  /** False while the counts are those of the first products only: no count is shown yet. */
  complete: boolean;
  /** The product at `index` in display order, when loaded. */
  at(index: number): Product | undefined;
  /** A loaded product by id. */
  find(id: string): Product | undefined;
}

/** Props: the products and how to search and load the tiles the grid shows. */
export interface ProductGalleryProps {
  products: GalleryProducts;
  onSearch: (query: string) => void;
  onShow: (first: number, end: number) => void;
}

/** Gallery of the products, page by page. */
export function ProductGallery({ products, onSearch, onShow }: ProductGalleryProps) {
  const m = galleryMessages();
  const [opened, setOpened] = useState<Product | null>(null);
  // Followed by id so the dialog shows product list refreshes while open.
  const open = opened === null ? undefined : (products.find(opened.id) ?? opened);
  const { query, matches, total, complete } = products;

  const close = (): void => {
    const id = opened?.id ?? null;
    setOpened(null);
    if (id !== null)
      document
        .querySelector<HTMLElement>(`.product-tile[data-product-id="${CSS.escape(id)}"]`)
        ?.focus();
  };

  if (matches === null && query === '') return null;
  if (total === 0 && query === '') return <p class="gallery-empty">{m.empty}</p>;
  return (
    <section class="gallery" aria-labelledby="gallery-title">
      <div class="gallery-toolbar">
        <h2 id="gallery-title" class="gallery-title">
          {m.title}
        </h2>
        <label class="gallery-search">
          <span>{m.search}</span>
          <input
            type="search"
            value={query}
            placeholder={m.searchHint}
            autocomplete="off"
            spellcheck={false}
            onInput={(e) => onSearch(e.currentTarget.value)}
          />
        </label>
        <p class="gallery-count">
          {!complete
            ? null
            : query.trim() === ''
              ? m.count(formatNumber(total))
              : matches !== null && m.matches(formatNumber(matches), formatNumber(total))}
        </p>
      </div>
      {matches === 0 ? (
        <p class="gallery-empty">{m.noMatch(query.trim())}</p>
      ) : (
        <ProductGrid
          count={matches ?? 0}
          productAt={products.at}
          onShow={onShow}
          onOpen={setOpened}
        />
      )}
      {open !== undefined && <ProductDetail product={open} onClose={close} />}
    </section>
  );
}
