/**
 * Admin CLI of the reference HO server: `npm run ho -- <command> [flags]`, working on the data dir
 * directly (safe next to a running server: SQLite WAL, atomic image writes). Prints JSON results.
 */
import { parseArgs } from 'node:util';
import { AdminOps } from './admin-ops';
import { openPersistence } from './bootstrap';
import { dataDirFrom } from './config';
import { PersistenceError } from './persistence/errors';

type Args = Record<string, string | boolean | undefined>;

interface Command {
  flags: string;
  run: (ops: AdminOps, a: Args) => unknown;
}

const str = (a: Args, name: string): string => {
  const v = a[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
};

const sortOrder = (a: Args): number => {
  const s = str(a, 'sort-order');
  if (!/^\d+$/.test(s)) throw new UsageError('--sort-order must be a non-negative integer');
  return Number(s);
};

const role = (a: Args): 'admin' | 'store' => {
  const r = a.role ?? 'store';
  if (r !== 'admin' && r !== 'store') throw new UsageError('--role must be admin or store');
  return r;
};

const COMMANDS: Record<string, Command> = {
  'list-users': { flags: '', run: (ops) => ops.listUsers() },
  'add-user': {
    flags: '--username U --password P [--role store|admin] [--stores ID,ID]',
    run: (ops, a) =>
      ops.addUser({
        username: str(a, 'username'),
        password: str(a, 'password'),
        role: role(a),
        store_ids: typeof a.stores === 'string' ? a.stores.split(',').map((s) => s.trim()) : [],
      }),
  },
  'set-password': {
    flags: '--username U --password P',
    run: (ops, a) => ops.setPassword(str(a, 'username'), str(a, 'password')),
  },
  'disable-user': { flags: '--username U', run: (ops, a) => ops.disableUser(str(a, 'username')) },
  'list-stores': { flags: '', run: (ops) => ops.listStores() },
  'list-brands': { flags: '', run: (ops) => ops.listBrands() },
  'list-products': { flags: '', run: (ops) => ops.listProducts() },
  'add-photo': {
    flags: '--product ID --file PATH [--filename NAME] [--primary] [--sort-order N]',
    run: (ops, a) =>
      ops.addPhoto({
        product_id: str(a, 'product'),
        source: { path: str(a, 'file') },
        is_primary: a.primary === true,
        ...(a.filename ? { filename: str(a, 'filename') } : {}),
        ...(a['sort-order'] ? { sort_order: sortOrder(a) } : {}),
      }),
  },
  'replace-photo': {
    flags: '--photo ID --file PATH [--filename NAME]',
    run: (ops, a) =>
      ops.replacePhoto(
        str(a, 'photo'),
        { path: str(a, 'file') },
        a.filename ? str(a, 'filename') : undefined,
      ),
  },
  'set-primary': { flags: '--photo ID', run: (ops, a) => ops.setPrimary(str(a, 'photo')) },
  'set-sort-order': {
    flags: '--photo ID --sort-order N',
    run: (ops, a) => ops.setSortOrder(str(a, 'photo'), sortOrder(a)),
  },
  'delete-photo': { flags: '--photo ID', run: (ops, a) => ops.deletePhoto(str(a, 'photo')) },
  'deactivate-product': {
    flags: '--product ID',
    run: (ops, a) => ops.setProductActive(str(a, 'product'), false),
  },
  'activate-product': {
    flags: '--product ID',
    run: (ops, a) => ops.setProductActive(str(a, 'product'), true),
  },
  'link-brand': {
    flags: '--store ID --brand ID',
    run: (ops, a) => ops.linkBrand(str(a, 'store'), str(a, 'brand')),
  },
  'unlink-brand': {
    flags: '--store ID --brand ID',
    run: (ops, a) => ops.unlinkBrand(str(a, 'store'), str(a, 'brand')),
  },
  'sync-status': { flags: '--store ID', run: (ops, a) => ops.syncStatus(str(a, 'store')) },
};

/** Wrong command line: usage is printed and the exit code is 2. */
class UsageError extends Error {}

const USAGE = `Usage: npm run ho -- <command> [--data-dir DIR] [flags]   (DATA_DIR env, default ./.data)
Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name} ${c.flags}`)
  .join('\n')}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const cmd = COMMANDS[command];
  // biome-ignore lint/suspicious/noImplicitAnyLet: TypeScript infers the type from the assignment in the try block.
  let meta;
  try {
    if (!cmd) throw new UsageError(`unknown command "${command}"`);
    const { values } = parseArgs({
      args: rest,
      strict: true,
      options: Object.fromEntries(
        [
          'data-dir',
          'product',
          'photo',
          'store',
          'brand',
          'file',
          'filename',
          'sort-order',
          'primary',
          'username',
          'password',
          'role',
          'stores',
        ].map((n) => [n, { type: n === 'primary' ? 'boolean' : 'string' }]),
      ) as Record<string, { type: 'string' | 'boolean' }>,
    });
    const stores = await openPersistence({
      dataDir: dataDirFrom((values['data-dir'] as string | undefined) ?? process.env.DATA_DIR),
      ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
    });
    meta = stores.meta;
    const result = await cmd.run(new AdminOps(stores.meta, stores.photos), values);
    console.log(JSON.stringify(result ?? { status: 'ok' }, null, 2));
    return 0;
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`error: ${(e as Error).message}\n${USAGE}`);
      return 2;
    }
    if (e instanceof PersistenceError) {
      console.error(`error: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    await meta?.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
