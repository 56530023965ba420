/**
 * Browser side of test/e2e/ui-gallery-renders.test.ts: the app's main screen with a loaded product view,
 * re-rendered as the shell does on every progress message, counting how often the gallery's grid renders.
 */
import { options, render } from 'preact';
import type { AppState, Product } from '../../src/shared/messages';
import { MainScreen } from '../../src/ui/components/main-screen';
import { VirtualGrid } from '../../src/ui/gallery/virtual-grid';
import { PRODUCT_PAGE_SIZE, productView } from '../../src/ui/product-pages';
import { appState } from '../../src/ui/state';

declare global {
  var harness: {
    /** Times the gallery's grid rendered so far. */
    gridRenders: () => number;
    /** A progress message of a run: `done` of `total` photos downloaded. */
    progress: (done: number, total: number) => void;
    /** Renames the first product, as a products-changed re-read would. */
    rename: (name: string) => void;
  };
}

let gridRenders = 0;
const diffed = options.diffed;
options.diffed = (vnode) => {
  if (vnode.type === VirtualGrid) gridRenders++;
  diffed?.(vnode);
};

const products: Product[] = Array.from({ length: PRODUCT_PAGE_SIZE }, (_, i) => ({
  id: `prod-${i}`,
  sku: `SKU-${i}`,
  name: `Product ${i}`,
  photos: [],
}));
productView.value = {
  query: '',
  matches: 1000,
  total: 1000,
  complete: true,
  pages: new Map([[0, { generation: 0, products }]]),
};

const session = {
  signedIn: true,
  serverUrl: 'https://ho.example',
  storeId: 'store-1',
  storeName: null,
  syncIntervalMs: 900_000,
  syncJitterMs: 0,
};

globalThis.harness = {
  gridRenders: () => gridRenders,
  progress: (done, total) => {
    const state: AppState = {
      session,
      running: true,
      progress: {
        status: { kind: 'syncing', phase: 'downloading', done, total },
        held: done,
        expected: total,
        bytesDownloaded: done * 1000,
        failures: [],
        lastSuccessAt: null,
        lastReconcileAt: null,
        reporting: 'ok',
        reportsRejected: 0,
        offlineSince: null,
      },
      storage: null,
      hostId: 'host-1',
      runsFinished: 0,
    };
    appState.value = state;
  },
  rename: (name) => {
    const view = productView.value;
    const [first, ...rest] = products;
    if (first === undefined) return;
    const renamed = [{ ...first, name }, ...rest];
    productView.value = {
      ...view,
      pages: new Map([[0, { generation: 1, products: renamed }]]),
    };
  },
};

/** The shell's part that matters here: it reads the state and passes it down, as App does. */
function Shell() {
  return <MainScreen state={appState.value} config={null} />;
}

// The harness page loads this script in its head: the body exists once the document is parsed.
addEventListener('DOMContentLoaded', () => {
  const root = document.createElement('div');
  document.body.append(root);
  render(<Shell />, root);
});
