/** The screen of a terminal that is not signed in: setup form, then the store picker when the server lists stores. */
import type { StoreChoice } from '../../shared/messages';
import type { DeployConfigResult } from '../deploy-config-schema';
import { defineMessages, lang } from '../i18n';
import { problemText } from '../problem-text';
import { SignInForm } from './sign-in-form';
import { StorePicker } from './store-picker';

const messages = defineMessages(
  { title: 'Set up this terminal', notSignedIn: 'Not signed in yet' },
  { title: 'Siapkan terminal ini', notSignedIn: 'Belum masuk' },
);

/** Sign-in screen; a malformed config.json is reported and none of it is applied. */
export function SignInScreen({
  config,
  stores,
}: {
  config: DeployConfigResult;
  stores: StoreChoice[] | null;
}) {
  const m = messages();
  return (
    <section class="panel" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">{m.title}</h2>
      <p class="shell-empty">{m.notSignedIn}</p>
      {!config.ok && (
        <p class="error" role="alert">
          {problemText(lang.value, config.problem)}
        </p>
      )}
      {stores !== null ? (
        <StorePicker stores={stores} />
      ) : (
        <SignInForm config={config.ok ? config.config : {}} />
      )}
    </section>
  );
}
