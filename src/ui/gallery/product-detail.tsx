/**
 * All photos of one product, primary first then by sort_order (the order the SW sends), in a modal
 * dialog: the browser's <dialog> traps focus and closes on Escape; focus then returns to the tile.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { Product } from '../../shared/messages';
import { formatNumber } from '../i18n';
import { galleryMessages } from './gallery-messages';
import { ProductPhotoImage } from './product-photo';

/** Props: the product and what closing does. */
export interface ProductDetailProps {
  product: Product;
  onClose: () => void;
}

/** The product dialog, open while mounted. */
export function ProductDetail({ product, onClose }: ProductDetailProps) {
  const m = galleryMessages();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog !== null && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  const total = formatNumber(product.photos.length);
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard closes a modal dialog with Escape; the click is only for the backdrop.
    <dialog
      ref={ref}
      class="product-detail"
      aria-labelledby="product-detail-title"
      onClose={onClose}
      // A click on the backdrop lands on the dialog element itself.
      onClick={(e) => e.target === e.currentTarget && e.currentTarget.close()}
    >
      <div class="detail-body">
        <header class="detail-header">
          <div>
            <h2 id="product-detail-title">{product.name}</h2>
            <p class="detail-meta">
              {m.sku(product.sku)} · {m.photoCount(product.photos.length, total)}
            </p>
          </div>
          <button type="button" class="detail-close" onClick={() => ref.current?.close()}>
            {m.close}
          </button>
        </header>
        {product.photos.length === 0 ? (
          <ProductPhotoImage
            photo={undefined}
            name={product.name}
            fallback={m.noPhoto}
            size={480}
          />
        ) : (
          <ol class="detail-photos">
            {product.photos.map((photo, i) => (
              <li key={photo.id} data-photo-id={photo.id}>
                <figure>
                  <ProductPhotoImage
                    photo={photo}
                    name={product.name}
                    fallback={m.photoFailed}
                    size={480}
                  />
                  <figcaption>
                    {m.photoOf(formatNumber(i + 1), total)}
                    {photo.is_primary && ` · ${m.primary}`}
                  </figcaption>
                </figure>
              </li>
            ))}
          </ol>
        )}
      </div>
    </dialog>
  );
}
