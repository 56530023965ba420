/** Page entry: renders the app, connects it to the service worker and starts the page-side sync, update and kiosk behaviour. */
import { render } from 'preact';
import { App } from './App';
import { lang } from './i18n';
import { applyUpdatesWhenIdle } from './idle-update';
import { watchInstallOffer } from './install';
import { keepKioskFullscreen } from './kiosk';
import { connect } from './state';
import { registerServiceWorker } from './sw-registration';
import { startTriggers } from './triggers';
import './app.css';
import { startupMark } from '../shared/timing';

startupMark('page-entry');

const root = document.getElementById('app');
if (!root) throw new Error('index.html is missing the #app element');
// index.html says "en"; screen readers need the language actually shown.
document.documentElement.lang = lang.value;
watchInstallOffer();
registerServiceWorker();
void connect();
startTriggers();
keepKioskFullscreen();
applyUpdatesWhenIdle();
// The first render in a task of its own: evaluating the modules and rendering the screen in one was a
// main-thread task over 50 ms on a two-core terminal. The commands to the worker are already on their way.
setTimeout(() => {
  render(<App />, root);
  startupMark('page-entry-done');
});
