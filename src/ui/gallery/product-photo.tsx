/**
 * One product photo from the service worker (local storage only). Photos not synced yet come back as the
 * SW's SVG placeholder; if an image still fails (no SW, storage error) a drawn placeholder replaces it, so
 * no broken-image icon ever shows. The box keeps its size either way, so nothing shifts.
 */
import { useState } from 'preact/hooks';
import { type ProductPhoto, photoPathOf } from '../../shared/messages';
import { startupMark } from '../../shared/timing';

/** Same-origin URL of a photo (see photoPathOf). */
export function photoUrl(photo: ProductPhoto): string {
  return `${import.meta.env.BASE_URL}${photoPathOf(photo)}`;
}

/** Props: the photo (none for a product without one), the product name as alt text, and the fallback caption. */
export interface ProductPhotoProps {
  photo: ProductPhoto | undefined;
  name: string;
  fallback: string;
  size: number;
}

/**
 * The image, decoded off the main thread. Not lazily loaded: the grid renders only the tiles near the viewport
 * anyway, and a lazy image is requested only after a layout found it near the viewport (30-60 ms later at start-up).
 */
export function ProductPhotoImage({ photo, name, fallback, size }: ProductPhotoProps) {
  const url = photo === undefined ? null : photoUrl(photo);
  startupMark('page-photo-rendered');
  const [failed, setFailed] = useState<string | null>(null);
  if (url === null || failed === url) {
    return (
      <span class="photo-box photo-missing" role="img" aria-label={name}>
        <span aria-hidden="true">{fallback}</span>
      </span>
    );
  }
  return (
    <img
      class="photo-box"
      src={url}
      alt={name}
      width={size}
      height={size}
      decoding="async"
      data-photo-id={photo?.id}
      data-placeholder={photo?.held === false ? '' : undefined}
      onLoad={() => startupMark('page-photo-loaded')}
      onError={() => setFailed(url)}
    />
  );
}
