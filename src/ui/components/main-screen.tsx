/** The main screen of a signed-in terminal: the sync bar on top, prompts and failures, then the product gallery. */
import type { AppState } from '../../shared/messages';
import type { DeployConfig } from '../deploy-config-schema';
import { ProductGallery } from '../gallery/product-gallery';
import {
  loadedProduct,
  productAt,
  productView,
  searchProducts,
  showProducts,
} from '../product-pages';
import { DeletionPrompt } from './deletion-prompt';
import { FailureList } from './failure-list';
import { SignInForm } from './sign-in-form';
import { SyncStatus, SyncStatusPending } from './sync-status';
import { syncMessages } from '../sync-messages';
import { startupMark } from '../../shared/timing';

/**
 * Main screen; when token renewal failed it asks for the credentials again (nothing stored is touched). Shown
 * before the state arrives (`state` null) once products did: the gallery does not wait for the sync bar. The
 * credentials form waits for the deployer config (`config` null until loaded), which may fix its fields.
 */
export function MainScreen({
  state,
  config,
}: {
  state: AppState | null;
  config: DeployConfig | null;
}) {
  startupMark('page-main-screen-rendered');
  const m = syncMessages();
  const status = state?.progress.status;
  return (
    <div class="main-screen">
      {state === null ? <SyncStatusPending /> : <SyncStatus state={state} />}
      {status?.kind === 'paused-auth' && config !== null && (
        <section class="panel" aria-labelledby="reauth-title">
          <h2 id="reauth-title">{m.reauthTitle}</h2>
          <SignInForm config={config} reauth />
        </section>
      )}
      {status?.kind === 'needs-confirmation' && <DeletionPrompt status={status} />}
      <FailureList failures={state?.progress.failures ?? []} />
      <LiveGallery />
    </div>
  );
}

/**
 * The gallery as the product view shows it. No props and no hooks: it reads `productView` itself, so
 * @preact/signals re-renders it when the view changes and skips it when the main screen re-renders (a sync
 * re-renders that on every progress message; the grid of a 10,000-product gallery then diffed every time).
 */
function LiveGallery() {
  const view = productView.value;
  return (
    <ProductGallery
      products={{
        ...view,
        at: (i) => productAt(view, i),
        find: (id) => loadedProduct(view, id),
      }}
      onSearch={searchProducts}
      onShow={showProducts}
    />
  );
}
