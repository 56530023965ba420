/** The product tiles of the gallery: primary photo, name and SKU, windowed so only visible rows exist in the DOM. */
import type { Product } from '../../shared/messages';
import { galleryMessages } from './gallery-messages';
import { ProductPhotoImage } from './product-photo';
import { VirtualGrid } from './virtual-grid';

/** Props: the products to show and what opening one does. */
export interface ProductGridProps {
  products: readonly Product[];
  onOpen: (product: Product) => void;
}

/** The windowed grid of product tiles; each tile is a button opening the product's photos. */
export function ProductGrid({ products, onOpen }: ProductGridProps) {
  const m = galleryMessages();
  return (
    <VirtualGrid
      class="product-grid"
      label={m.title}
      count={products.length}
      keyOf={(i) => (products[i] as Product).id}
      renderTile={(i) => {
        const p = products[i] as Product;
        return (
          <button
            type="button"
            class="product-tile"
            data-product-id={p.id}
            aria-label={`${p.name}, ${m.sku(p.sku)}`}
            onClick={() => onOpen(p)}
          >
            <ProductPhotoImage photo={p.photos[0]} name={p.name} fallback={m.noPhoto} size={240} />
            <span class="product-caption">
              <span class="product-name">{p.name}</span>
              <span class="product-sku">{m.sku(p.sku)}</span>
            </span>
          </button>
        );
      }}
    />
  );
}
