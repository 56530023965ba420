/**
 * The product tiles of the gallery: primary photo, name and SKU, windowed so only visible rows exist in the
 * DOM. A tile whose page has not arrived yet is an empty, inert tile of the same size (not a button:
 * a key press moving there focuses the button once it arrives).
 */
import type { Product } from '../../shared/messages';
import { galleryMessages } from './gallery-messages';
import { ProductPhotoImage } from './product-photo';
import { VirtualGrid } from './virtual-grid';

/** Props: how many tiles, the product of each (when loaded), what the grid shows and what opening one does. */
export interface ProductGridProps {
  count: number;
  productAt: (index: number) => Product | undefined;
  onShow: (first: number, end: number) => void;
  onOpen: (product: Product) => void;
}

/** The windowed grid of product tiles; each tile is a button opening the product's photos. */
export function ProductGrid({ count, productAt, onShow, onOpen }: ProductGridProps) {
  const m = galleryMessages();
  return (
    <VirtualGrid
      class="product-grid"
      label={m.title}
      count={count}
      onShow={onShow}
      renderTile={(i) => {
        const p = productAt(i);
        if (p === undefined)
          return (
            <span class="product-tile" aria-busy="true">
              <span class="photo-box" />
            </span>
          );
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
