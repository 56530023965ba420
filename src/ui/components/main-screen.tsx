/** The main screen of a signed-in terminal: sync state and actions, prompts, failures, products, account. */
import type { AppState } from '../../shared/messages';
import type { DeployConfig } from '../../shared/deploy-config';
import { products } from '../store';
import { AccountPanel } from './account-panel';
import { DeletionPrompt } from './deletion-prompt';
import { FailureList } from './failure-list';
import { ProductGrid } from './product-grid';
import { SignInForm } from './sign-in-form';
import { SyncStatus } from './sync-status';

/** Main screen; when token renewal failed it asks for the credentials again (nothing stored is touched). */
export function MainScreen({ state, config }: { state: AppState; config: DeployConfig }) {
  const { status, failures } = state.progress;
  return (
    <div class="main-screen">
      <SyncStatus state={state} />
      {status.kind === 'paused-auth' && (
        <section class="panel" aria-labelledby="reauth-title">
          <h2 id="reauth-title">Sign in again to resume syncing</h2>
          <SignInForm config={config} reauth />
        </section>
      )}
      {status.kind === 'needs-confirmation' && <DeletionPrompt status={status} />}
      <FailureList failures={failures} />
      <ProductGrid products={products.value} />
      <AccountPanel session={state.session} />
    </div>
  );
}
