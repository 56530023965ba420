/** Page entry: renders the app, connects it to the service worker and starts the page-side sync triggers. */
import { render } from 'preact';
import { App } from './App';
import { connect } from './store';
import { registerServiceWorker } from './sw-registration';
import { startTriggers } from './triggers';
import './app.css';

const root = document.getElementById('app');
if (!root) throw new Error('index.html is missing the #app element');
render(<App />, root);
registerServiceWorker();
void connect();
startTriggers();
