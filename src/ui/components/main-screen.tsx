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
import { SyncStatus } from './sync-status';
import { syncMessages } from '../sync-messages';

/** Main screen; when token renewal failed it asks for the credentials again (nothing stored is touched). */
export function MainScreen({ state, config }: { state: AppState; config: DeployConfig }) {
  const m = syncMessages();
  const { status, failures } = state.progress;
  const view = productView.value;
  return (
    <div class="main-screen">
      <SyncStatus state={state} />
      {status.kind === 'paused-auth' && (
        <section class="panel" aria-labelledby="reauth-title">
          <h2 id="reauth-title">{m.reauthTitle}</h2>
          <SignInForm config={config} reauth />
        </section>
      )}
      {status.kind === 'needs-confirmation' && <DeletionPrompt status={status} />}
      <FailureList failures={failures} />
      <ProductGallery
        products={{
          ...view,
          at: (i) => productAt(view, i),
          find: (id) => loadedProduct(view, id),
        }}
        onSearch={searchProducts}
        onShow={showProducts}
      />
    </div>
  );
}
