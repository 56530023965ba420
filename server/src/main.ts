/**
 * Entry point of the reference HO server: config, data dir, first-start seeding, listen. The first
 * stdout line is exactly `HO server listening on http://<host>:<port>` (tests parse it), followed by
 * human lines with the PWA URL, sign-in credentials and store ids. Stops cleanly on SIGTERM/SIGINT.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type PrepareResult, openPersistence, prepareData } from './bootstrap';
import { importLegacyBlacklist, LEGACY_BLACKLIST_FILE } from './persistence/legacy-blacklist';
import { type Config, ConfigError, USAGE, loadConfig, wantsHelp } from './config';
import { Faults } from './faults';
import { startSweeping } from './persistence/object-sweeper';
import { type RunningHo, listenHo, urlHost } from './serve';

function humanLines(
  config: Config,
  url: string,
  prep: PrepareResult,
  imageOrigin: string | null,
): string[] {
  const browse = url.replace(/\/\/(0\.0\.0\.0|\[::\])/, '//127.0.0.1');
  const lines = [
    existsSync(join(config.staticDir, 'index.html'))
      ? `  Open the PWA:  ${browse}/`
      : `  PWA not built: ${config.staticDir} has no index.html (run npm run build); the API works at ${browse}/api/`,
  ];
  if (config.proxyUrl)
    return [...lines, `  Proxy mode:    /api/ is forwarded to ${config.proxyUrl.href}`];
  if (config.adminPassword !== undefined)
    lines.push(
      `  Sign in:       ${config.adminUsername} / ${config.demoMode ? config.adminPassword : '(ADMIN_PASSWORD)'}   (admin, every store)`,
    );
  else
    lines.push(
      '  No configured admin: set ADMIN_PASSWORD, or manage users with npm run ho -- add-user',
    );
  if (prep.disabledDemoUsers.length > 0)
    lines.push(`  Demo sign-ins disabled (not in demo mode): ${prep.disabledDemoUsers.join(', ')}`);
  for (const d of prep.demoLogins)
    lines.push(`                 ${d.username} / ${d.password}   (store ${d.store.code} only)`);
  const stores = prep.demoLogins.map((d) => d.store);
  for (const s of stores) lines.push(`  Store ${s.code.padEnd(8)} ${s.id}  ${s.name}`);
  const bench = prep.benchmarkStore;
  if (bench)
    lines.push(
      `  Benchmark ${bench.code}  ${bench.id}  ${bench.name} (sign in as ${config.adminUsername})`,
    );
  if (config.referenceOnly) lines.push('  Reference-only mode: API extensions are off');
  if (imageOrigin !== null)
    lines.push(
      `  Upstream profile: POST-only list, /api/v1/token/ only, photos at ${imageOrigin}/product-images/`,
    );
  return lines;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (wantsHelp(argv)) {
    console.log(USAGE);
    return;
  }
  let config: Config;
  try {
    config = loadConfig(argv, process.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`error: ${e.message}`);
    process.exit(2);
  }
  if (config.demoMode && !config.proxyUrl) {
    console.error(
      `\n!!! WARNING: demo admin credentials ${config.adminUsername}/${config.adminPassword} are in use. Set ADMIN_PASSWORD for anything but a demo. !!!\n`,
    );
  }
  const persistence = await openPersistence(config);
  const { meta, images, exclusive } = persistence;
  try {
    const legacy = await importLegacyBlacklist(
      config.dataDir,
      persistence.blacklist,
      Math.floor(Date.now() / 1000),
    );
    if (legacy.movedTo !== null)
      console.log(
        `Imported ${legacy.imported} revoked refresh token(s) from ${LEGACY_BLACKLIST_FILE} into the database; the old file is kept as ${legacy.movedTo}`,
      );
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    await meta.close();
    process.exit(1);
  }
  const prep: PrepareResult = config.proxyUrl
    ? { demoLogins: [], disabledDemoUsers: [] }
    : await exclusive(() => prepareData(meta, images, config));
  // Bytes left unreferenced (replaced, deleted, or orphaned by a crash) go once past the grace period.
  const stopSweeping = config.proxyUrl
    ? () => undefined
    : await startSweeping(meta, images, Date.now, (e) =>
        console.error(`error: sweeping unreferenced photo bytes: ${(e as Error).message}`),
      );
  let ho: RunningHo;
  try {
    ho = await listenHo(
      { config, ...persistence, clock: Date.now, faults: new Faults(config.faults) },
      config.host,
      config.port,
    );
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    console.error(
      `error: cannot listen on ${config.host}:${config.port}: ${code === 'EADDRINUSE' ? 'the port is already in use (choose another with --port or PORT)' : (e as Error).message}`,
    );
    await meta.close();
    process.exit(1);
  }
  const url = `http://${urlHost(config.host)}:${new URL(ho.url).port}`;
  console.log(`HO server listening on ${url}`);
  for (const line of humanLines(config, url, prep, ho.imageOrigin)) console.log(line);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`${signal} received, stopping`);
    stopSweeping();
    ho.close()
      .then(() => meta.close())
      .then(
        () => process.exit(0),
        (e: unknown) => {
          console.error(`error while stopping: ${(e as Error).message}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

await main();
