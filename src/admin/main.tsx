/** Entry of the fleet console (admin.html): renders the app in the language it shows. */
import { render } from 'preact';
import { App } from './App';
import { lang } from './messages';
import './admin.css';

const root = document.getElementById('app');
if (!root) throw new Error('admin.html is missing the #app element');
document.documentElement.lang = lang.value;
render(<App />, root);
