/**
 * Products with their primary photo, served by the service worker from local storage. Names are text
 * (never HTML). Issue 4 replaces this with the virtualized gallery, search and detail view.
 */
import { PHOTO_PATH, type Product, type ProductPhoto } from '../../shared/messages';

/** Same-origin URL of a photo; the version tag changes with the bytes (and once it is held) so images refresh. */
export function photoUrl(photo: ProductPhoto): string {
  return `${import.meta.env.BASE_URL}${PHOTO_PATH}${encodeURIComponent(photo.id)}?v=${photo.version}${photo.held ? '' : '-pending'}`;
}

/** The product grid. */
export function ProductGrid({ products }: { products: Product[] }) {
  if (products.length === 0) return <p class="empty">No products yet: they appear here as the first sync brings their photos.</p>;
  return (
    <ul class="product-grid" aria-label="Products">
      {products.map((p) => {
        const primary = p.photos[0];
        return (
          <li key={p.id} class="product">
            {primary !== undefined && <img src={photoUrl(primary)} alt={p.name} width={200} height={200} decoding="async" />}
            <span class="name">{p.name}</span>
            <span class="sku">SKU {p.sku}</span>
          </li>
        );
      })}
    </ul>
  );
}
