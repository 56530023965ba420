/** Set by vite.config.ts at build time: the app version (package.json, or APP_VERSION for a deployer's own tag). */
declare const __APP_VERSION__: string;
