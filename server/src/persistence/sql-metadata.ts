/**
 * The metadata repository, written once on Kysely for SQLite and PostgreSQL alike. Every write runs in
 * one transaction whose first statement locks the logical clock row, so writes are serialised across
 * processes and instances and their timestamps stay strictly increasing even when wall clocks jump or
 * disagree between machines. Multi-statement reads run in one snapshot (REPEATABLE READ on PostgreSQL,
 * a read transaction on SQLite), so `as_of` and the rows it covers agree.
 */
import { randomUUID } from 'node:crypto';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DatabaseTarget, SqlDatabase } from './database';
import { ConflictError, InvalidInputError, NotFoundError } from './errors';
import { isoFromMs, toIsoTime } from './iso-time';
import { openMigratedDatabase } from './migrate';
import { NOT_SYNCED_NOW, SYNCED_NOW, keepSummaries, recomputeTerminal } from './terminal-summaries';
import { writeObject } from './sql-image-repository';
import type { DatabaseSchema } from './schema';
import type {
  Brand,
  Company,
  IsoTime,
  MetadataRepository,
  NewPhoto,
  PhotoPage,
  PhotoPageQuery,
  PhotoRecord,
  PhotoReplacement,
  Product,
  RetiredObject,
  FailureRecord,
  RowPage,
  StatusItem,
  StatusRecord,
  Store,
  NewUser,
  StoreCatalogStats,
  StoreFailure,
  TerminalProgress,
  TerminalRecord,
  User,
} from './types';
import { REPORT_HISTORY } from './types';
import type {
  PhotoGap,
  ProductGap,
  ReportSummary,
  UnsyncedPhoto,
} from '../../../src/shared/fleet-api';

type Db = Kysely<DatabaseSchema>;

interface PhotoRow extends Omit<PhotoRecord, 'is_primary'> {
  is_primary: number;
}
interface ProductRow extends Omit<Product, 'active'> {
  active: number;
}

type Table = 'company' | 'brands' | 'stores' | 'products' | 'product_photos';
const LABELS: Record<Table, string> = {
  company: 'Company',
  brands: 'Brand',
  stores: 'Store',
  products: 'Product',
  product_photos: 'Photo',
};

const PHOTO_COLUMNS = sql`ph.id, ph.product_id, p.sku AS product_sku, p.name AS product_name, ph.object_key,
  ph.filename, ph.size, ph.content_type, ph.checksum, ph.version, ph.is_primary, ph.sort_order,
  ph.created_at, ph.updated_at`;

/** Photos a store sees: active products of brands actively linked to the store. */
const inScope = (store_id: string) => sql`FROM product_photos ph
  JOIN products p ON p.id = ph.product_id AND p.active = 1
  JOIN store_brands sb ON sb.brand_id = p.brand_id AND sb.store_id = ${store_id} AND sb.is_active = 1`;

/** Status rows `st` joined to their photo when it is in the row's store's scope (failures read this). */
const FAILED_IN_SCOPE = sql`FROM sync_status st
  JOIN product_photos ph ON ph.id = st.photo_id
  JOIN products p ON p.id = ph.product_id AND p.active = 1
  JOIN store_brands sb ON sb.brand_id = p.brand_id AND sb.store_id = st.store_id
    AND sb.is_active = 1`;

/** Tombstones (store, photo, t) for every in-scope pair matching `where`, replacing older ones. */
const tombstone = (t: IsoTime, where: RawBuilder<unknown>) => sql`
  INSERT INTO tombstones (store_id, photo_id, deleted_at)
  SELECT sb.store_id, ph.id, ${t} FROM product_photos ph
    JOIN products p ON p.id = ph.product_id AND p.active = 1
    JOIN store_brands sb ON sb.brand_id = p.brand_id AND sb.is_active = 1
  WHERE ${where}
  ON CONFLICT (store_id, photo_id) DO UPDATE SET deleted_at = excluded.deleted_at`;

function toPhoto(row: PhotoRow): PhotoRecord {
  return { ...row, is_primary: row.is_primary === 1 };
}

function toProduct(row: ProductRow): Product {
  return { ...row, active: row.active === 1 };
}

function requireInt(name: string, value: number, min?: number): void {
  if (!Number.isSafeInteger(value) || (min !== undefined && value < min)) {
    throw new InvalidInputError(
      `${name} must be an integer${min === undefined ? '' : ` >= ${min}`}, got ${value}`,
    );
  }
}

async function rows<R>(db: Db, query: RawBuilder<R>): Promise<R[]> {
  return (await query.execute(db)).rows;
}

async function countOf(db: Db, from: RawBuilder<unknown>): Promise<number> {
  const [row] = await rows(db, sql<{ n: number | string }>`SELECT count(*) AS n ${from}`);
  return Number(row?.n ?? 0);
}

function latest(a: IsoTime | null, b: IsoTime | null): IsoTime | null {
  if (a === null) return b;
  return b === null || a > b ? a : b;
}

async function exists(db: Db, table: Table, id: string): Promise<boolean> {
  return (
    (await rows(db, sql`SELECT 1 AS one FROM ${sql.table(table)} WHERE id = ${id}`)).length > 0
  );
}

async function requireRow(db: Db, table: Table, id: string): Promise<void> {
  if (!(await exists(db, table, id))) throw new NotFoundError(`${LABELS[table]} ${id} not found`);
}

async function requireAbsent(db: Db, table: Table, id: string): Promise<void> {
  if (await exists(db, table, id)) throw new ConflictError(`${LABELS[table]} ${id} already exists`);
}

async function photoById(db: Db, photo_id: string): Promise<PhotoRecord | undefined> {
  const [row] = await rows(
    db,
    sql<PhotoRow>`SELECT ${PHOTO_COLUMNS} FROM product_photos ph JOIN products p ON p.id = ph.product_id
      WHERE ph.id = ${photo_id}`,
  );
  return row && toPhoto(row);
}

async function storeById(db: Db, id: string): Promise<Store | undefined> {
  return db
    .selectFrom('stores')
    .select(['id', 'company_id', 'code', 'name'])
    .where('id', '=', id)
    .executeTakeFirst();
}

async function productById(db: Db, id: string): Promise<Product | undefined> {
  const row = await db
    .selectFrom('products')
    .select(['id', 'brand_id', 'sku', 'name', 'active'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toProduct(row);
}

const USER_COLUMNS = ['username', 'password_hash', 'role', 'disabled', 'token_generation'] as const;

async function userByName(db: Db, username: string): Promise<User | undefined> {
  const row = await db
    .selectFrom('users')
    .select(USER_COLUMNS)
    .where('username', '=', username)
    .executeTakeFirst();
  return row && withStores(db, row);
}

async function withStores(db: Db, row: Omit<DatabaseSchema['users'], never>): Promise<User> {
  const { username } = row;
  const stores = await db
    .selectFrom('user_stores')
    .select('store_id')
    .where('username', '=', username)
    .orderBy('position')
    .execute();
  return {
    ...row,
    disabled: row.disabled === 1,
    token_generation: Number(row.token_generation),
    store_ids: stores.map((s) => s.store_id),
  };
}

/** A write: `stamp()` yields this transaction's single clock tick, taken on first use. */
type WriteFn<T> = (trx: Db, stamp: () => IsoTime) => Promise<T>;

/** MetadataRepository over an open SqlDatabase; `now` is injectable so tests can move the wall clock. */
export class SqlMetadataRepository implements MetadataRepository {
  private readonly db: Db;

  constructor(
    private readonly database: SqlDatabase,
    private readonly now: () => number = Date.now,
  ) {
    this.db = database.db;
  }

  // ---- catalog setup ----

  createCompany(c: Company): Promise<void> {
    return this.write(async (trx) => {
      await requireAbsent(trx, 'company', c.id);
      await trx.insertInto('company').values({ id: c.id, name: c.name }).execute();
    });
  }

  createBrand(b: Brand): Promise<void> {
    return this.write(async (trx) => {
      await requireAbsent(trx, 'brands', b.id);
      await requireRow(trx, 'company', b.company_id);
      await trx
        .insertInto('brands')
        .values({ id: b.id, company_id: b.company_id, name: b.name })
        .execute();
    });
  }

  createStore(s: Store): Promise<void> {
    return this.write(async (trx) => {
      await requireAbsent(trx, 'stores', s.id);
      await requireRow(trx, 'company', s.company_id);
      const taken = await trx
        .selectFrom('stores')
        .select('id')
        .where('code', '=', s.code)
        .executeTakeFirst();
      if (taken) throw new ConflictError(`Store code ${s.code} already exists`);
      await trx
        .insertInto('stores')
        .values({ id: s.id, company_id: s.company_id, code: s.code, name: s.name })
        .execute();
    });
  }

  createProduct(p: Product): Promise<void> {
    return this.write(async (trx) => {
      await requireAbsent(trx, 'products', p.id);
      await requireRow(trx, 'brands', p.brand_id);
      await trx
        .insertInto('products')
        .values({
          id: p.id,
          brand_id: p.brand_id,
          sku: p.sku,
          name: p.name,
          active: p.active ? 1 : 0,
        })
        .execute();
    });
  }

  async createUser(u: NewUser): Promise<void> {
    if (u.role !== 'admin' && u.role !== 'store')
      throw new InvalidInputError(`Unknown role ${String(u.role)}`);
    await this.write(async (trx) => {
      if (await userByName(trx, u.username))
        throw new ConflictError(`User ${u.username} already exists`);
      for (const id of u.store_ids) await requireRow(trx, 'stores', id);
      await trx
        .insertInto('users')
        .values({
          username: u.username,
          password_hash: u.password_hash,
          role: u.role,
          disabled: u.disabled ? 1 : 0,
          token_generation: 0,
        })
        .execute();
      for (const [i, id] of u.store_ids.entries()) {
        await trx
          .insertInto('user_stores')
          .values({ username: u.username, store_id: id, position: i })
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
    });
  }

  getUser(username: string): Promise<User | undefined> {
    // Asked on every request (authentication): two plain reads, no snapshot transaction round trips.
    return userByName(this.db, username);
  }

  listUsers(): Promise<User[]> {
    return this.read(async (db) => {
      const users = await db.selectFrom('users').select(USER_COLUMNS).orderBy('username').execute();
      return Promise.all(users.map((row) => withStores(db, row)));
    });
  }

  setPasswordHash(username: string, password_hash: string): Promise<void> {
    return this.updateUser(username, sql`password_hash = ${password_hash}`);
  }

  changePassword(username: string, password_hash: string): Promise<void> {
    return this.updateUser(
      username,
      sql`password_hash = ${password_hash}, token_generation = token_generation + 1`,
    );
  }

  setUserDisabled(username: string, disabled: boolean): Promise<void> {
    return this.updateUser(
      username,
      disabled ? sql`disabled = 1, token_generation = token_generation + 1` : sql`disabled = 0`,
    );
  }

  linkBrand(store_id: string, brand_id: string): Promise<void> {
    return this.write(async (trx, stamp) => {
      const store = await storeById(trx, store_id);
      if (!store) throw new NotFoundError(`Store ${store_id} not found`);
      const brand = await trx
        .selectFrom('brands')
        .select(['id', 'company_id'])
        .where('id', '=', brand_id)
        .executeTakeFirst();
      if (!brand) throw new NotFoundError(`Brand ${brand_id} not found`);
      if (brand.company_id !== store.company_id) {
        throw new InvalidInputError(
          `Brand ${brand_id} belongs to another company than store ${store_id}`,
        );
      }
      if (await this.linkActive(trx, store_id, brand_id)) return;
      // The bump below moves the brand's photos in every store that sees them, but a terminal
      // holding every photo there still does: only this store's and lagging terminals can change.
      await keepSummaries(
        trx,
        {
          photos: sql`p.brand_id = ${brand_id}`,
          terminals: sql`t.store_id = ${store_id} OR t.behind_since IS NOT NULL`,
          stores: sql`sb.store_id = ${store_id}`,
        },
        async () => {
          await trx
            .insertInto('store_brands')
            .values({ store_id, brand_id, is_active: 1 })
            .onConflict((oc) => oc.columns(['store_id', 'brand_id']).doUpdateSet({ is_active: 1 }))
            .execute();
          // The brand's photos come (back) into this store's scope: bump them so an incremental sync sees them.
          await sql`UPDATE product_photos SET updated_at = ${stamp()} WHERE product_id IN
            (SELECT id FROM products WHERE brand_id = ${brand_id} AND active = 1)`.execute(trx);
        },
      );
    });
  }

  unlinkBrand(store_id: string, brand_id: string): Promise<void> {
    return this.write(async (trx, stamp) => {
      await requireRow(trx, 'stores', store_id);
      await requireRow(trx, 'brands', brand_id);
      if (!(await this.linkActive(trx, store_id, brand_id))) return;
      await tombstone(stamp(), sql`sb.store_id = ${store_id} AND p.brand_id = ${brand_id}`).execute(
        trx,
      );
      await keepSummaries(
        trx,
        {
          photos: sql`p.brand_id = ${brand_id}`,
          terminals: sql`t.store_id = ${store_id}`,
          stores: sql`sb.store_id = ${store_id}`,
        },
        async () => {
          await trx
            .updateTable('store_brands')
            .set({ is_active: 0 })
            .where('store_id', '=', store_id)
            .where('brand_id', '=', brand_id)
            .execute();
        },
      );
    });
  }

  setProductActive(product_id: string, active: boolean): Promise<void> {
    return this.write(async (trx, stamp) => {
      const product = await productById(trx, product_id);
      if (!product) throw new NotFoundError(`Product ${product_id} not found`);
      if (product.active === active) return;
      const t = stamp();
      await this.keepProductSummaries(trx, product_id, async () => {
        if (active) {
          await trx
            .updateTable('product_photos')
            .set({ updated_at: t })
            .where('product_id', '=', product_id)
            .execute();
        } else {
          await tombstone(t, sql`p.id = ${product_id}`).execute(trx);
        }
        await trx
          .updateTable('products')
          .set({ active: active ? 1 : 0 })
          .where('id', '=', product_id)
          .execute();
      });
    });
  }

  /** True while the catalog has no company, i.e. nothing was ever seeded (users do not count). */
  async isEmpty(): Promise<boolean> {
    return !(await this.db.selectFrom('company').select('id').limit(1).executeTakeFirst());
  }

  // ---- reads ----

  listStores(): Promise<Store[]> {
    return this.db
      .selectFrom('stores')
      .select(['id', 'company_id', 'code', 'name'])
      .orderBy('code')
      .execute();
  }

  getStore(id: string): Promise<Store | undefined> {
    return storeById(this.db, id);
  }

  getProduct(id: string): Promise<Product | undefined> {
    return productById(this.db, id);
  }

  async listProducts(): Promise<Product[]> {
    const all = await this.db
      .selectFrom('products')
      .select(['id', 'brand_id', 'sku', 'name', 'active'])
      .orderBy('sku')
      .orderBy('id')
      .execute();
    return all.map(toProduct);
  }

  listBrands(): Promise<Brand[]> {
    return this.db
      .selectFrom('brands')
      .select(['id', 'company_id', 'name'])
      .orderBy('name')
      .orderBy('id')
      .execute();
  }

  async listPhotos(q: PhotoPageQuery): Promise<PhotoPage> {
    requireInt('limit', q.limit, 0);
    const offset = q.offset ?? 0;
    requireInt('offset', offset, 0);
    // '' sorts before every timestamp, so "no since" needs no separate query.
    const since = q.since === undefined ? '' : toIsoTime(q.since);
    const cursor = q.cursor && { cu: toIsoTime(q.cursor.updated_at), ci: q.cursor.id };
    return this.read(async (db) => {
      await requireRow(db, 'stores', q.store_id);
      // One tick past the newest write in this snapshot: everything read is before it, and any write
      // committed later (even one in another process that read the wall clock before us) is at or after it.
      // The wall clock is deliberately not used: it can lag the logical clock or step backwards.
      const as_of = isoFromMs((await this.clockMs(db)) + 1);
      const scope = inScope(q.store_id);
      const [count] = await rows(
        db,
        sql<{ total: number }>`SELECT COUNT(*) AS total ${scope} WHERE ph.updated_at >= ${since}`,
      );
      const page = cursor
        ? sql<PhotoRow>`SELECT ${PHOTO_COLUMNS} ${scope}
            WHERE ph.updated_at >= ${since} AND (ph.updated_at, ph.id) > (${cursor.cu}, ${cursor.ci})
            ORDER BY ph.updated_at, ph.id LIMIT ${q.limit}`
        : sql<PhotoRow>`SELECT ${PHOTO_COLUMNS} ${scope}
            WHERE ph.updated_at >= ${since} ORDER BY ph.updated_at, ph.id LIMIT ${q.limit} OFFSET ${offset}`;
      return { photos: (await rows(db, page)).map(toPhoto), total: Number(count!.total), as_of };
    });
  }

  async getPhotoInScope(store_id: string, photo_id: string): Promise<PhotoRecord | undefined> {
    const [row] = await rows(
      this.db,
      sql<PhotoRow>`SELECT ${PHOTO_COLUMNS} ${inScope(store_id)} WHERE ph.id = ${photo_id}`,
    );
    return row && toPhoto(row);
  }

  async photosInScope(store_id: string, photo_ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < photo_ids.length; i += 500) {
      const ids = photo_ids.slice(i, i + 500);
      if (ids.length === 0) continue;
      const hits = await rows(
        this.db,
        sql<{ id: string }>`SELECT ph.id ${inScope(store_id)} WHERE ph.id IN (${sql.join(ids)})`,
      );
      for (const { id } of hits) found.add(id);
    }
    return found;
  }

  getPhoto(photo_id: string): Promise<PhotoRecord | undefined> {
    return photoById(this.db, photo_id);
  }

  async listTombstones(store_id: string, since?: IsoTime): Promise<string[]> {
    const from = since === undefined ? '' : toIsoTime(since);
    return this.read(async (db) => {
      await requireRow(db, 'stores', store_id);
      // A tombstone stays on file after its photo comes back; scope is checked at read time instead.
      const found = await rows(
        db,
        sql<{ photo_id: string }>`SELECT t.photo_id FROM tombstones t
          WHERE t.store_id = ${store_id} AND t.deleted_at >= ${from}
            AND NOT EXISTS (SELECT 1 ${inScope(store_id)} WHERE ph.id = t.photo_id)
          ORDER BY t.deleted_at, t.photo_id`,
      );
      return found.map((r) => r.photo_id);
    });
  }

  async isObjectUnreferenced(object_key: string): Promise<boolean> {
    const hit = await this.db
      .selectFrom('product_photos')
      .select('id')
      .where('object_key', '=', object_key)
      .limit(1)
      .executeTakeFirst();
    return !hit;
  }

  async listRetiredObjects(): Promise<RetiredObject[]> {
    const found = await this.db
      .selectFrom('retired_objects')
      .select(['object_key', 'retired_ms'])
      .orderBy('object_key')
      .execute();
    return found.map((r) => ({ object_key: r.object_key, retired_ms: Number(r.retired_ms) }));
  }

  async forgetRetiredObjects(object_keys: readonly string[]): Promise<void> {
    for (let i = 0; i < object_keys.length; i += 500) {
      const keys = object_keys.slice(i, i + 500);
      if (keys.length > 0)
        await this.db.deleteFrom('retired_objects').where('object_key', 'in', keys).execute();
    }
  }

  // ---- photo writes ----

  async addPhoto(n: NewPhoto, bytes?: Buffer): Promise<PhotoRecord> {
    requireInt('size', n.size, 0);
    requireInt('sort_order', n.sort_order);
    const id = n.id ?? randomUUID();
    return this.write(async (trx, stamp) => {
      await requireAbsent(trx, 'product_photos', id);
      await requireRow(trx, 'products', n.product_id);
      const t = stamp();
      await this.keepProductSummaries(trx, n.product_id, async () => {
        if (n.is_primary) await this.unsetOtherPrimaries(trx, n.product_id, id, t);
        await trx
          .insertInto('product_photos')
          .values({
            id,
            product_id: n.product_id,
            object_key: n.object_key,
            filename: n.filename,
            size: n.size,
            content_type: n.content_type,
            checksum: n.checksum,
            version: 1,
            is_primary: n.is_primary ? 1 : 0,
            sort_order: n.sort_order,
            created_at: t,
            updated_at: t,
          })
          .execute();
        if (bytes) await writeObject(trx, n.object_key, bytes, this.now());
      });
      return (await photoById(trx, id))!;
    });
  }

  async replacePhoto(photo_id: string, r: PhotoReplacement, bytes?: Buffer): Promise<PhotoRecord> {
    requireInt('size', r.size, 0);
    return this.updatePhoto(photo_id, async (trx, photo, t) => {
      // Writes are serialised on the clock row, so the version read here is the one being replaced.
      if (photo.version !== r.expected_version)
        throw new ConflictError(
          `Photo ${photo_id} changed while it was being replaced (now version ${photo.version}, expected ${r.expected_version}); read it again and retry`,
        );
      if (bytes) await writeObject(trx, r.object_key, bytes, this.now());
      await trx
        .updateTable('product_photos')
        .set({
          object_key: r.object_key,
          filename: r.filename,
          size: r.size,
          content_type: r.content_type,
          checksum: r.checksum,
          version: photo.version + 1,
          updated_at: t,
        })
        .where('id', '=', photo_id)
        .execute();
      if (photo.object_key !== r.object_key) await this.retire(trx, photo.object_key);
    });
  }

  setPrimary(photo_id: string): Promise<PhotoRecord> {
    return this.updatePhoto(photo_id, async (trx, photo, t) => {
      await this.unsetOtherPrimaries(trx, photo.product_id, photo.id, t);
      await trx
        .updateTable('product_photos')
        .set({ is_primary: 1, updated_at: t })
        .where('id', '=', photo_id)
        .execute();
    });
  }

  async setSortOrder(photo_id: string, sort_order: number): Promise<PhotoRecord> {
    requireInt('sort_order', sort_order);
    return this.updatePhoto(photo_id, async (trx, _photo, t) => {
      await trx
        .updateTable('product_photos')
        .set({ sort_order, updated_at: t })
        .where('id', '=', photo_id)
        .execute();
    });
  }

  deletePhoto(photo_id: string): Promise<void> {
    return this.write(async (trx, stamp) => {
      const photo = await photoById(trx, photo_id);
      if (!photo) throw new NotFoundError(`Photo ${photo_id} not found`);
      await this.keepProductSummaries(trx, photo.product_id, async () => {
        await tombstone(stamp(), sql`ph.id = ${photo_id}`).execute(trx);
        await trx.deleteFrom('product_photos').where('id', '=', photo_id).execute();
      });
      await this.retire(trx, photo.object_key);
    });
  }

  // ---- status reports ----

  async recordStatus(
    store_id: string,
    terminal_id: string,
    items: StatusItem[],
    terminal_name?: string | null,
  ): Promise<number> {
    for (const item of items) {
      if (item.status !== 'synced' && item.status !== 'failed') {
        throw new InvalidInputError(
          `Unknown sync status ${JSON.stringify(item.status)} for photo ${item.photo_id}`,
        );
      }
    }
    const reported_at = isoFromMs(this.now());
    return this.write(async (trx) => {
      await requireRow(trx, 'stores', store_id);
      await this.noteReport(trx, store_id, terminal_id, terminal_name, reported_at, items);
      // One multi-row upsert per slice keeps a 1000-item report to a few round trips (and within
      // SQLite's bound-parameter limit); within a slice the last entry for a photo wins, as item by item.
      for (let i = 0; i < items.length; i += 200) {
        const latest = new Map(items.slice(i, i + 200).map((item) => [item.photo_id, item]));
        await trx
          .insertInto('sync_status')
          .values(
            [...latest.values()].map((item) => ({
              store_id,
              photo_id: item.photo_id,
              terminal_id,
              status: item.status,
              synced_at: item.synced_at,
              error: item.error,
              reported_at,
              // The version the report is about: a later replacement makes it stale.
              photo_version: sql<number>`(SELECT version FROM product_photos WHERE id = ${item.photo_id})`,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['store_id', 'photo_id', 'terminal_id']).doUpdateSet((eb) => ({
              status: eb.ref('excluded.status'),
              synced_at: eb.ref('excluded.synced_at'),
              error: eb.ref('excluded.error'),
              reported_at: eb.ref('excluded.reported_at'),
              photo_version: eb.ref('excluded.photo_version'),
            })),
          )
          .execute();
      }
      await recomputeTerminal(trx, store_id, terminal_id);
      return items.length;
    });
  }

  listStatus(store_id: string): Promise<StatusRecord[]> {
    return this.read(async (db) => {
      await requireRow(db, 'stores', store_id);
      return db
        .selectFrom('sync_status')
        .select([
          'store_id',
          'photo_id',
          'terminal_id',
          'status',
          'synced_at',
          'error',
          'reported_at',
        ])
        .where('store_id', '=', store_id)
        .orderBy('photo_id')
        .orderBy('terminal_id')
        .execute();
    });
  }

  // ---- fleet ----

  listTerminals(store_id?: string): Promise<TerminalRecord[]> {
    return this.read(async (db) => {
      let q = db
        .selectFrom('terminals')
        .select([
          'store_id',
          'terminal_id',
          'name',
          'first_report_at',
          'last_report_at',
          'synced',
          'failing',
          'behind_since',
        ]);
      if (store_id !== undefined) q = q.where('store_id', '=', store_id);
      return q.orderBy('store_id').orderBy('terminal_id').execute();
    });
  }

  storeCatalogStats(): Promise<StoreCatalogStats[]> {
    // Aggregated per brand first: stores of a chain share brands, so this reads each photo once.
    return this.read(async (db) => {
      const found = await rows(
        db,
        sql<{
          store_id: string;
          photos: number | string;
          changed_at: IsoTime | null;
          removed_at: IsoTime | null;
        }>`WITH per_brand AS (
            SELECT p.brand_id, count(*) AS n, max(ph.updated_at) AS changed_at
            FROM product_photos ph JOIN products p ON p.id = ph.product_id AND p.active = 1
            GROUP BY p.brand_id)
          SELECT s.id AS store_id, coalesce(sum(b.n), 0) AS photos, max(b.changed_at) AS changed_at,
            (SELECT max(t.deleted_at) FROM tombstones t WHERE t.store_id = s.id) AS removed_at
          FROM stores s
          LEFT JOIN store_brands sb ON sb.store_id = s.id AND sb.is_active = 1
          LEFT JOIN per_brand b ON b.brand_id = sb.brand_id
          GROUP BY s.id ORDER BY s.id`,
      );
      return found.map(({ removed_at, ...row }) => ({
        ...row,
        photos: Number(row.photos),
        changed_at: latest(row.changed_at, removed_at),
      }));
    });
  }

  async storePhotoCounts(): Promise<Map<string, number>> {
    const found = await this.db.selectFrom('stores').select(['id', 'photos']).execute();
    return new Map(found.map((s) => [s.id, Number(s.photos)]));
  }

  async terminalProgress(store_id: string): Promise<TerminalProgress[]> {
    return (await this.listTerminals(store_id)).map((t) => ({
      terminal_id: t.terminal_id,
      synced: t.synced,
      failing: t.failing,
      behind_since: t.behind_since,
    }));
  }

  listFailures(store_id: string, terminal_id?: string): Promise<FailureRecord[]> {
    const terminal = terminal_id === undefined ? sql`` : sql`AND st.terminal_id = ${terminal_id}`;
    return this.read((db) =>
      rows(
        db,
        sql<FailureRecord>`SELECT st.terminal_id, st.photo_id, p.name AS product_name, st.error,
            st.reported_at
          ${FAILED_IN_SCOPE}
          WHERE st.store_id = ${store_id} AND st.status = 'failed' ${terminal}
          ORDER BY st.reported_at DESC, st.photo_id`,
      ),
    );
  }

  async latestFailures(
    store_ids: readonly string[],
    per_terminal: number,
  ): Promise<StoreFailure[]> {
    requireInt('per_terminal', per_terminal, 0);
    if (store_ids.length === 0 || per_terminal === 0) return [];
    const found = await this.read((db) =>
      rows(
        db,
        sql<StoreFailure & { n: number }>`SELECT * FROM (
            SELECT st.store_id, st.terminal_id, st.photo_id, p.name AS product_name, st.error,
              st.reported_at, row_number() OVER (PARTITION BY st.store_id, st.terminal_id
                ORDER BY st.reported_at DESC, st.photo_id) AS n
            ${FAILED_IN_SCOPE}
            WHERE st.status = 'failed' AND st.store_id IN (${sql.join([...store_ids])})) f
          WHERE n <= ${per_terminal}
          ORDER BY store_id, terminal_id, n`,
      ),
    );
    return found.map(({ n: _, ...failure }) => failure);
  }

  listReports(store_id: string, terminal_id: string, limit: number): Promise<ReportSummary[]> {
    return this.read((db) =>
      db
        .selectFrom('status_reports')
        .select(['reported_at', 'items', 'synced', 'failed'])
        .where('store_id', '=', store_id)
        .where('terminal_id', '=', terminal_id)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute(),
    );
  }

  listUnsynced(
    store_id: string,
    terminal_id: string,
    limit: number,
    offset: number,
  ): Promise<RowPage<UnsyncedPhoto>> {
    const from = sql`${inScope(store_id)}
      LEFT JOIN sync_status st ON st.store_id = ${store_id} AND st.photo_id = ph.id
        AND st.terminal_id = ${terminal_id}
      WHERE ${NOT_SYNCED_NOW}`;
    return this.read(async (db) => ({
      rows: await rows(
        db,
        sql<UnsyncedPhoto>`SELECT ph.id AS photo_id, p.name AS product_name, ph.filename,
            ph.version, ph.updated_at, st.status AS last_status, st.error, st.reported_at
          ${from} ORDER BY ph.updated_at, ph.id LIMIT ${limit} OFFSET ${offset}`,
      ),
      total: await countOf(db, from),
    }));
  }

  listUnsyncedByAll(store_id: string, limit: number, offset: number): Promise<RowPage<PhotoGap>> {
    const from = sql`${inScope(store_id)}
      WHERE NOT EXISTS (SELECT 1 FROM sync_status st WHERE st.store_id = ${store_id}
        AND st.photo_id = ph.id AND ${SYNCED_NOW})`;
    return this.read(async (db) => ({
      rows: await rows(
        db,
        sql<PhotoGap>`SELECT ph.id AS photo_id, p.name AS product_name, ph.filename, ph.updated_at
          ${from} ORDER BY ph.updated_at, ph.id LIMIT ${limit} OFFSET ${offset}`,
      ),
      total: await countOf(db, from),
    }));
  }

  listProductsWithoutPrimary(store_id: string): Promise<ProductGap[]> {
    return this.read(async (db) => {
      const found = await rows(
        db,
        sql<ProductGap>`SELECT p.id AS product_id, p.sku, p.name,
            (SELECT count(*) FROM product_photos ph WHERE ph.product_id = p.id) AS photos
          FROM products p
          JOIN store_brands sb ON sb.brand_id = p.brand_id AND sb.store_id = ${store_id}
            AND sb.is_active = 1
          WHERE p.active = 1 AND NOT EXISTS (SELECT 1 FROM product_photos ph
            WHERE ph.product_id = p.id AND ph.is_primary = 1)
          ORDER BY p.name, p.id`,
      );
      return found.map((r) => ({ ...r, photos: Number(r.photos) }));
    });
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  // ---- internals ----

  /**
   * Runs `fn` in a write transaction. Its first statement locks the clock row (PostgreSQL: row lock;
   * SQLite: takes the file's write lock before any read, so no snapshot can go stale), so the tick
   * computed from it is above every committed write and every `as_of` already handed out.
   */
  private write<T>(fn: WriteFn<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      const locked = await rows(
        trx,
        sql<{ last_ms: number }>`UPDATE clock SET last_ms = last_ms WHERE id = 1 RETURNING last_ms`,
      );
      const last = Number(locked[0]!.last_ms);
      let ms: number | undefined;
      const stamp = () => {
        // Never before the wall clock, always after every time already written or handed out.
        ms ??= Math.max(this.now(), last + 1);
        return isoFromMs(ms);
      };
      const result = await fn(trx, stamp);
      if (ms !== undefined)
        await trx.updateTable('clock').set({ last_ms: ms }).where('id', '=', 1).execute();
      return result;
    });
  }

  /** Applies `assignments` to one user; NotFoundError when there is no such user. */
  private updateUser(username: string, assignments: RawBuilder<unknown>): Promise<void> {
    return this.write(async (trx) => {
      const r = await sql`UPDATE users SET ${assignments} WHERE username = ${username}`.execute(
        trx,
      );
      if (Number(r.numAffectedRows ?? 0) === 0)
        throw new NotFoundError(`User ${username} not found`);
    });
  }

  /** Runs `fn` on one consistent snapshot. */
  private read<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const tx = this.db.transaction();
    return this.database.dialect === 'postgres'
      ? tx.setIsolationLevel('repeatable read').setAccessMode('read only').execute(fn)
      : tx.execute(fn);
  }

  /** Notes the terminal (latest name unless the report has none) and keeps the report in its history. */
  private async noteReport(
    trx: Db,
    store_id: string,
    terminal_id: string,
    name: string | null | undefined,
    reported_at: IsoTime,
    items: StatusItem[],
  ): Promise<void> {
    const keys = { store_id, terminal_id };
    await trx
      .insertInto('terminals')
      .values({
        ...keys,
        name: name || null,
        first_report_at: reported_at,
        last_report_at: reported_at,
      })
      .onConflict((oc) =>
        oc.columns(['store_id', 'terminal_id']).doUpdateSet((eb) => ({
          last_report_at: eb.ref('excluded.last_report_at'),
          ...(name === undefined ? {} : { name: eb.ref('excluded.name') }),
        })),
      )
      .execute();
    const synced = items.filter((i) => i.status === 'synced').length;
    await trx
      .insertInto('status_reports')
      .values({ ...keys, reported_at, items: items.length, synced, failed: items.length - synced })
      .execute();
    await sql`DELETE FROM status_reports WHERE store_id = ${store_id} AND terminal_id = ${terminal_id}
      AND id <= (SELECT id FROM status_reports WHERE store_id = ${store_id}
        AND terminal_id = ${terminal_id} ORDER BY id DESC LIMIT 1 OFFSET ${REPORT_HISTORY})`.execute(
      trx,
    );
  }

  private async clockMs(db: Db): Promise<number> {
    const row = await db
      .selectFrom('clock')
      .select('last_ms')
      .where('id', '=', 1)
      .executeTakeFirst();
    return Number(row!.last_ms);
  }

  private updatePhoto(
    photo_id: string,
    change: (trx: Db, photo: PhotoRecord, t: IsoTime) => Promise<void>,
  ): Promise<PhotoRecord> {
    return this.write(async (trx, stamp) => {
      const photo = await photoById(trx, photo_id);
      if (!photo) throw new NotFoundError(`Photo ${photo_id} not found`);
      const t = stamp();
      await this.keepProductSummaries(trx, photo.product_id, () => change(trx, photo, t));
      return (await photoById(trx, photo_id))!;
    });
  }

  /** Runs `change` to the photos of one product (and only those), keeping terminal summaries right. */
  private keepProductSummaries(
    trx: Db,
    product_id: string,
    change: () => Promise<void>,
  ): Promise<void> {
    const all = sql`1 = 1`;
    return keepSummaries(
      trx,
      { photos: sql`p.id = ${product_id}`, terminals: all, stores: all },
      change,
    );
  }

  /** Notes that the write in `trx` may have left `object_key` unreferenced (the sweep checks again). */
  private async retire(trx: Db, object_key: string): Promise<void> {
    await trx
      .insertInto('retired_objects')
      .values({ object_key, retired_ms: this.now() })
      .onConflict((oc) => oc.column('object_key').doUpdateSet({ retired_ms: this.now() }))
      .execute();
  }

  private async unsetOtherPrimaries(
    trx: Db,
    product_id: string,
    keep_id: string,
    t: IsoTime,
  ): Promise<void> {
    await trx
      .updateTable('product_photos')
      .set({ is_primary: 0, updated_at: t })
      .where('product_id', '=', product_id)
      .where('id', '<>', keep_id)
      .where('is_primary', '=', 1)
      .execute();
  }

  private async linkActive(trx: Db, store_id: string, brand_id: string): Promise<boolean> {
    const hit = await trx
      .selectFrom('store_brands')
      .select('store_id')
      .where('store_id', '=', store_id)
      .where('brand_id', '=', brand_id)
      .where('is_active', '=', 1)
      .executeTakeFirst();
    return !!hit;
  }
}

/** Opens the database at `target`, brings its schema up to date and returns the repository over it. */
export async function openMetadataRepository(
  target: DatabaseTarget,
  now: () => number = Date.now,
): Promise<SqlMetadataRepository> {
  return new SqlMetadataRepository(await openMigratedDatabase(target, now()), now);
}
