/** The product gallery: instant search by name or SKU, the windowed tile grid and the product dialog. */
import { useMemo, useState } from 'preact/hooks';
import type { Product } from '../../shared/messages';
import { ProductGrid } from './product-grid';
import { formatNumber } from '../i18n';
import { galleryMessages } from './gallery-messages';
import { ProductDetail } from './product-detail';
import { buildSearchIndex, searchProducts } from './search';
import './gallery.css';

/** Gallery of `products` (already in display order). */
export function ProductGallery({ products }: { products: readonly Product[] }) {
  const m = galleryMessages();
  const [query, setQuery] = useState('');
  const [openId, setOpenId] = useState<string | null>(null);
  const index = useMemo(() => buildSearchIndex(products), [products]);
  const shown = useMemo(() => searchProducts(index, query), [index, query]);
  // Looked up by id so the dialog follows product list refreshes while open.
  const open = openId === null ? undefined : products.find((p) => p.id === openId);

  const close = (): void => {
    const id = openId;
    setOpenId(null);
    if (id !== null)
      document
        .querySelector<HTMLElement>(`.product-tile[data-product-id="${CSS.escape(id)}"]`)
        ?.focus();
  };

  if (products.length === 0) return <p class="gallery-empty">{m.empty}</p>;
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
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </label>
        <p class="gallery-count">
          {shown.length === products.length
            ? m.count(formatNumber(products.length))
            : m.matches(formatNumber(shown.length), formatNumber(products.length))}
        </p>
      </div>
      {shown.length === 0 ? (
        <p class="gallery-empty">{m.noMatch(query.trim())}</p>
      ) : (
        <ProductGrid products={shown} onOpen={(p) => setOpenId(p.id)} />
      )}
      {open !== undefined && <ProductDetail product={open} onClose={close} />}
    </section>
  );
}
