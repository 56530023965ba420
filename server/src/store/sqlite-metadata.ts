/**
 * The embedded metadata store: one SQLite file (WAL) shared by the running server and the admin CLI.
 * Every write runs in a BEGIN IMMEDIATE transaction and takes its time from a logical clock row read
 * under the write lock, so timestamps stay strictly increasing across processes and wall-clock jumps.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { ConflictError, InvalidInputError, NotFoundError } from './errors';
import { isoFromMs, toIsoTime } from './iso-time';
import { migrate } from './sqlite-schema';
import type {
  Brand,
  Company,
  IsoTime,
  MetadataStore,
  NewPhoto,
  PhotoPage,
  PhotoPageQuery,
  PhotoRecord,
  PhotoReplacement,
  Product,
  FailureRecord,
  RowPage,
  StatusItem,
  StatusRecord,
  Store,
  StoreCatalogStats,
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

interface PhotoRow extends Omit<PhotoRecord, 'is_primary'> {
  is_primary: 0 | 1;
}
interface ProductRow extends Omit<Product, 'active'> {
  active: 0 | 1;
}
interface UserRow {
  username: string;
  password_hash: string;
  role: User['role'];
}

type Table = 'company' | 'brands' | 'stores' | 'products' | 'product_photos';
const LABELS: Record<Table, string> = {
  company: 'Company',
  brands: 'Brand',
  stores: 'Store',
  products: 'Product',
  product_photos: 'Photo',
};

const PHOTO_COLUMNS = `ph.id, ph.product_id, p.sku AS product_sku, p.name AS product_name, ph.object_key,
  ph.filename, ph.size, ph.content_type, ph.checksum, ph.version, ph.is_primary, ph.sort_order,
  ph.created_at, ph.updated_at`;

/** Photos a store sees: active products of brands actively linked to @store_id. */
const IN_SCOPE = `FROM product_photos ph
  JOIN products p ON p.id = ph.product_id AND p.active = 1
  JOIN store_brands sb ON sb.brand_id = p.brand_id AND sb.store_id = @store_id AND sb.is_active = 1`;

/** (store, photo) pairs currently in scope, for writing tombstones when they leave it. */
const SCOPE_PAIRS = `SELECT sb.store_id, ph.id, @t FROM product_photos ph
  JOIN products p ON p.id = ph.product_id AND p.active = 1
  JOIN store_brands sb ON sb.brand_id = p.brand_id AND sb.is_active = 1`;
const TOMBSTONE = 'INSERT OR REPLACE INTO tombstones (store_id, photo_id, deleted_at)';

const TERMINAL_COLUMNS = 'store_id, terminal_id, name, first_report_at, last_report_at';
/** The sync_status row `st` says the photo `ph` is on the terminal at its current version. */
const SYNCED_NOW = `st.status = 'synced' AND st.photo_version = ph.version`;
/** Negation of SYNCED_NOW that also holds when a LEFT JOIN found no row (NULLs). */
const NOT_SYNCED_NOW = `(st.status IS NULL OR st.status <> 'synced' OR st.photo_version IS NULL
  OR st.photo_version <> ph.version)`;

function latest(a: IsoTime | null, b: IsoTime | null): IsoTime | null {
  if (a === null) return b;
  return b === null || a > b ? a : b;
}

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

/** MetadataStore on better-sqlite3; `dbPath` may be ':memory:'. `now` is injectable so tests can move the wall clock. */
export class SqliteMetadataStore implements MetadataStore {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly tx: Database.Transaction<(fn: () => unknown) => unknown>;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(dbPath: string, now: () => number = Date.now) {
    this.now = now;
    this.db = new Database(dbPath, { timeout: 10_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    migrate(this.db, now);
    this.tx = this.db.transaction((fn: () => unknown) => fn());
  }

  // ---- catalog setup ----

  createCompany(c: Company): void {
    this.write(() => {
      this.requireAbsent('company', c.id);
      this.sql('INSERT INTO company (id, name) VALUES (@id, @name)').run(c);
    });
  }

  createBrand(b: Brand): void {
    this.write(() => {
      this.requireAbsent('brands', b.id);
      this.requireRow('company', b.company_id);
      this.sql('INSERT INTO brands (id, company_id, name) VALUES (@id, @company_id, @name)').run(b);
    });
  }

  createStore(s: Store): void {
    this.write(() => {
      this.requireAbsent('stores', s.id);
      this.requireRow('company', s.company_id);
      if (this.sql('SELECT 1 FROM stores WHERE code = ?').get(s.code)) {
        throw new ConflictError(`Store code ${s.code} already exists`);
      }
      this.sql(
        'INSERT INTO stores (id, company_id, code, name) VALUES (@id, @company_id, @code, @name)',
      ).run(s);
    });
  }

  createProduct(p: Product): void {
    this.write(() => {
      this.requireAbsent('products', p.id);
      this.requireRow('brands', p.brand_id);
      this.sql('INSERT INTO products (id, brand_id, sku, name, active) VALUES (?, ?, ?, ?, ?)').run(
        p.id,
        p.brand_id,
        p.sku,
        p.name,
        p.active ? 1 : 0,
      );
    });
  }

  createUser(u: User): void {
    if (u.role !== 'admin' && u.role !== 'store')
      throw new InvalidInputError(`Unknown role ${String(u.role)}`);
    this.write(() => {
      if (this.getUser(u.username)) throw new ConflictError(`User ${u.username} already exists`);
      for (const id of u.store_ids) this.requireRow('stores', id);
      this.sql(
        'INSERT INTO users (username, password_hash, role) VALUES (@username, @password_hash, @role)',
      ).run(u);
      const link = this.sql(
        'INSERT OR IGNORE INTO user_stores (username, store_id, position) VALUES (?, ?, ?)',
      );
      for (const [i, id] of u.store_ids.entries()) link.run(u.username, id, i);
    });
  }

  getUser(username: string): User | undefined {
    const row = this.sql<UserRow>(
      'SELECT username, password_hash, role FROM users WHERE username = ?',
    ).get(username);
    if (!row) return undefined;
    const stores = this.sql<{ store_id: string }>(
      'SELECT store_id FROM user_stores WHERE username = ? ORDER BY position',
    ).all(username);
    return { ...row, store_ids: stores.map((s) => s.store_id) };
  }

  setPasswordHash(username: string, password_hash: string): void {
    this.write(() => {
      const { changes } = this.sql('UPDATE users SET password_hash = ? WHERE username = ?').run(
        password_hash,
        username,
      );
      if (changes === 0) throw new NotFoundError(`User ${username} not found`);
    });
  }

  linkBrand(store_id: string, brand_id: string): void {
    this.write((stamp) => {
      const store = this.getStore(store_id);
      if (!store) throw new NotFoundError(`Store ${store_id} not found`);
      const brand = this.sql<Brand>('SELECT id, company_id, name FROM brands WHERE id = ?').get(
        brand_id,
      );
      if (!brand) throw new NotFoundError(`Brand ${brand_id} not found`);
      if (brand.company_id !== store.company_id) {
        throw new InvalidInputError(
          `Brand ${brand_id} belongs to another company than store ${store_id}`,
        );
      }
      if (this.linkActive(store_id, brand_id)) return;
      this.sql(`INSERT INTO store_brands (store_id, brand_id, is_active) VALUES (?, ?, 1)
        ON CONFLICT (store_id, brand_id) DO UPDATE SET is_active = 1`).run(store_id, brand_id);
      // The brand's photos come (back) into this store's scope: bump them so an incremental sync sees them.
      this.sql(`UPDATE product_photos SET updated_at = @t WHERE product_id IN
        (SELECT id FROM products WHERE brand_id = @brand_id AND active = 1)`).run({
        t: stamp(),
        brand_id,
      });
    });
  }

  unlinkBrand(store_id: string, brand_id: string): void {
    this.write((stamp) => {
      this.requireRow('stores', store_id);
      this.requireRow('brands', brand_id);
      if (!this.linkActive(store_id, brand_id)) return;
      this.sql(
        `${TOMBSTONE} ${SCOPE_PAIRS} WHERE sb.store_id = @store_id AND p.brand_id = @brand_id`,
      ).run({ t: stamp(), store_id, brand_id });
      this.sql('UPDATE store_brands SET is_active = 0 WHERE store_id = ? AND brand_id = ?').run(
        store_id,
        brand_id,
      );
    });
  }

  setProductActive(product_id: string, active: boolean): void {
    this.write((stamp) => {
      const product = this.getProduct(product_id);
      if (!product) throw new NotFoundError(`Product ${product_id} not found`);
      if (product.active === active) return;
      const t = stamp();
      if (active) {
        this.sql('UPDATE product_photos SET updated_at = ? WHERE product_id = ?').run(
          t,
          product_id,
        );
      } else {
        this.sql(`${TOMBSTONE} ${SCOPE_PAIRS} WHERE p.id = @product_id`).run({ t, product_id });
      }
      this.sql('UPDATE products SET active = ? WHERE id = ?').run(active ? 1 : 0, product_id);
    });
  }

  /** True while the catalog has no company, i.e. nothing was ever seeded (users do not count). */
  isEmpty(): boolean {
    return !this.sql('SELECT 1 FROM company LIMIT 1').get();
  }

  // ---- reads ----

  listStores(): Store[] {
    return this.sql<Store>('SELECT id, company_id, code, name FROM stores ORDER BY code').all();
  }

  getStore(id: string): Store | undefined {
    return this.sql<Store>('SELECT id, company_id, code, name FROM stores WHERE id = ?').get(id);
  }

  getProduct(id: string): Product | undefined {
    const row = this.sql<ProductRow>(
      'SELECT id, brand_id, sku, name, active FROM products WHERE id = ?',
    ).get(id);
    return row && toProduct(row);
  }

  listProducts(): Product[] {
    return this.sql<ProductRow>(
      'SELECT id, brand_id, sku, name, active FROM products ORDER BY sku, id',
    )
      .all()
      .map(toProduct);
  }

  listBrands(): Brand[] {
    return this.sql<Brand>('SELECT id, company_id, name FROM brands ORDER BY name, id').all();
  }

  listPhotos(q: PhotoPageQuery): PhotoPage {
    requireInt('limit', q.limit, 0);
    const offset = q.offset ?? 0;
    requireInt('offset', offset, 0);
    // '' sorts before every timestamp, so "no since" needs no separate query.
    const params = {
      store_id: q.store_id,
      since: q.since === undefined ? '' : toIsoTime(q.since),
      limit: q.limit,
    };
    const cursor = q.cursor && { cu: toIsoTime(q.cursor.updated_at), ci: q.cursor.id };
    return this.read(() => {
      this.requireRow('stores', q.store_id);
      // One tick past the newest write in this snapshot: everything read is before it, and any write
      // committed later (even one in another process that read the wall clock before us) is at or after it.
      // The wall clock is deliberately not used: it can lag the logical clock or step backwards.
      const as_of = isoFromMs(this.clockMs() + 1);
      const { total } = this.sql<{ total: number }>(
        `SELECT COUNT(*) AS total ${IN_SCOPE} WHERE ph.updated_at >= @since`,
      ).get(params)!;
      const rows = cursor
        ? this.sql<PhotoRow>(`SELECT ${PHOTO_COLUMNS} ${IN_SCOPE}
            WHERE ph.updated_at >= @since AND (ph.updated_at, ph.id) > (@cu, @ci)
            ORDER BY ph.updated_at, ph.id LIMIT @limit`).all({ ...params, ...cursor })
        : this.sql<PhotoRow>(`SELECT ${PHOTO_COLUMNS} ${IN_SCOPE}
            WHERE ph.updated_at >= @since ORDER BY ph.updated_at, ph.id LIMIT @limit OFFSET @offset`).all(
            { ...params, offset },
          );
      return { photos: rows.map(toPhoto), total, as_of };
    });
  }

  getPhotoInScope(store_id: string, photo_id: string): PhotoRecord | undefined {
    const row = this.sql<PhotoRow>(
      `SELECT ${PHOTO_COLUMNS} ${IN_SCOPE} WHERE ph.id = @photo_id`,
    ).get({ store_id, photo_id });
    return row && toPhoto(row);
  }

  getPhoto(photo_id: string): PhotoRecord | undefined {
    const row = this.sql<PhotoRow>(
      `SELECT ${PHOTO_COLUMNS} FROM product_photos ph JOIN products p ON p.id = ph.product_id WHERE ph.id = ?`,
    ).get(photo_id);
    return row && toPhoto(row);
  }

  listTombstones(store_id: string, since?: IsoTime): string[] {
    const params = { store_id, since: since === undefined ? '' : toIsoTime(since) };
    return this.read(() => {
      this.requireRow('stores', store_id);
      // A tombstone stays on file after its photo comes back; scope is checked at read time instead.
      return this.sql<{ photo_id: string }>(`SELECT t.photo_id FROM tombstones t
        WHERE t.store_id = @store_id AND t.deleted_at >= @since
          AND NOT EXISTS (SELECT 1 ${IN_SCOPE} WHERE ph.id = t.photo_id)
        ORDER BY t.deleted_at, t.photo_id`)
        .all(params)
        .map((r) => r.photo_id);
    });
  }

  isObjectUnreferenced(object_key: string): boolean {
    return !this.sql('SELECT 1 FROM product_photos WHERE object_key = ? LIMIT 1').get(object_key);
  }

  // ---- photo writes ----

  addPhoto(n: NewPhoto): PhotoRecord {
    requireInt('size', n.size, 0);
    requireInt('sort_order', n.sort_order);
    const id = n.id ?? randomUUID();
    return this.write((stamp) => {
      this.requireAbsent('product_photos', id);
      this.requireRow('products', n.product_id);
      const t = stamp();
      if (n.is_primary) this.unsetOtherPrimaries(n.product_id, id, t);
      this.sql(`INSERT INTO product_photos (id, product_id, object_key, filename, size, content_type, checksum,
          version, is_primary, sort_order, created_at, updated_at)
        VALUES (@id, @product_id, @object_key, @filename, @size, @content_type, @checksum,
          1, @is_primary, @sort_order, @t, @t)`).run({
        ...n,
        id,
        is_primary: n.is_primary ? 1 : 0,
        t,
      });
      return this.getPhoto(id)!;
    });
  }

  replacePhoto(photo_id: string, r: PhotoReplacement): PhotoRecord {
    requireInt('size', r.size, 0);
    return this.updatePhoto(
      photo_id,
      `object_key = @object_key, filename = @filename, size = @size,
      content_type = @content_type, checksum = @checksum, version = version + 1`,
      { ...r },
    );
  }

  setPrimary(photo_id: string): PhotoRecord {
    return this.updatePhoto(photo_id, 'is_primary = 1', {}, (photo, t) =>
      this.unsetOtherPrimaries(photo.product_id, photo.id, t),
    );
  }

  setSortOrder(photo_id: string, sort_order: number): PhotoRecord {
    requireInt('sort_order', sort_order);
    return this.updatePhoto(photo_id, 'sort_order = @sort_order', { sort_order });
  }

  deletePhoto(photo_id: string): void {
    this.write((stamp) => {
      this.requireRow('product_photos', photo_id);
      this.sql(`${TOMBSTONE} ${SCOPE_PAIRS} WHERE ph.id = @photo_id`).run({ t: stamp(), photo_id });
      this.sql('DELETE FROM product_photos WHERE id = ?').run(photo_id);
    });
  }

  // ---- status reports ----

  recordStatus(
    store_id: string,
    terminal_id: string,
    items: StatusItem[],
    terminal_name?: string | null,
  ): number {
    for (const item of items) {
      if (item.status !== 'synced' && item.status !== 'failed') {
        throw new InvalidInputError(
          `Unknown sync status ${JSON.stringify(item.status)} for photo ${item.photo_id}`,
        );
      }
    }
    return this.write(() => {
      this.requireRow('stores', store_id);
      const reported_at = isoFromMs(this.now());
      const keys = { store_id, terminal_id };
      this.sql(`INSERT INTO terminals (store_id, terminal_id, name, first_report_at, last_report_at)
        VALUES (@store_id, @terminal_id, @name, @reported_at, @reported_at)
        ON CONFLICT (store_id, terminal_id) DO UPDATE SET last_report_at = excluded.last_report_at,
          name = CASE WHEN @keep = 1 THEN terminals.name ELSE excluded.name END`).run({
        ...keys,
        reported_at,
        name: terminal_name || null,
        keep: terminal_name === undefined ? 1 : 0,
      });
      const upsert = this.sql(`INSERT INTO sync_status
          (store_id, photo_id, terminal_id, status, synced_at, error, reported_at, photo_version)
        VALUES (@store_id, @photo_id, @terminal_id, @status, @synced_at, @error, @reported_at,
          (SELECT version FROM product_photos WHERE id = @photo_id))
        ON CONFLICT (store_id, photo_id, terminal_id) DO UPDATE SET status = excluded.status,
          synced_at = excluded.synced_at, error = excluded.error, reported_at = excluded.reported_at,
          photo_version = excluded.photo_version`);
      for (const item of items) upsert.run({ ...item, ...keys, reported_at });
      const synced = items.filter((i) => i.status === 'synced').length;
      this.sql(`INSERT INTO status_reports (store_id, terminal_id, reported_at, items, synced, failed)
        VALUES (@store_id, @terminal_id, @reported_at, @items, @synced, @failed)`).run({
        ...keys,
        reported_at,
        items: items.length,
        synced,
        failed: items.length - synced,
      });
      this.sql(`DELETE FROM status_reports WHERE store_id = @store_id AND terminal_id = @terminal_id
        AND id <= (SELECT id FROM status_reports WHERE store_id = @store_id
          AND terminal_id = @terminal_id ORDER BY id DESC LIMIT 1 OFFSET @keep)`).run({
        ...keys,
        keep: REPORT_HISTORY,
      });
      return items.length;
    });
  }

  listStatus(store_id: string): StatusRecord[] {
    return this.read(() => {
      this.requireRow('stores', store_id);
      return this.sql<StatusRecord>(`SELECT store_id, photo_id, terminal_id, status, synced_at, error,
        reported_at FROM sync_status WHERE store_id = ? ORDER BY photo_id, terminal_id`).all(
        store_id,
      );
    });
  }

  // ---- fleet ----

  listTerminals(store_id?: string): TerminalRecord[] {
    return this.read(() =>
      store_id === undefined
        ? this.sql<TerminalRecord>(`SELECT ${TERMINAL_COLUMNS} FROM terminals
            ORDER BY store_id, terminal_id`).all()
        : this.sql<TerminalRecord>(`SELECT ${TERMINAL_COLUMNS} FROM terminals
            WHERE store_id = ? ORDER BY terminal_id`).all(store_id),
    );
  }

  storeCatalogStats(): StoreCatalogStats[] {
    // Aggregated per brand first: stores of a chain share brands, so this reads each photo once.
    return this.read(() =>
      this.sql<StoreCatalogStats & { removed_at: IsoTime | null }>(`WITH per_brand AS (
          SELECT p.brand_id, count(*) AS n, max(ph.updated_at) AS changed_at
          FROM product_photos ph JOIN products p ON p.id = ph.product_id AND p.active = 1
          GROUP BY p.brand_id)
        SELECT s.id AS store_id, coalesce(sum(b.n), 0) AS photos, max(b.changed_at) AS changed_at,
          (SELECT max(t.deleted_at) FROM tombstones t WHERE t.store_id = s.id) AS removed_at
        FROM stores s
        LEFT JOIN store_brands sb ON sb.store_id = s.id AND sb.is_active = 1
        LEFT JOIN per_brand b ON b.brand_id = sb.brand_id
        GROUP BY s.id ORDER BY s.id`)
        .all()
        .map(({ removed_at, ...row }) => ({
          ...row,
          changed_at: latest(row.changed_at, removed_at),
        })),
    );
  }

  terminalProgress(store_id: string): TerminalProgress[] {
    return this.read(() =>
      this.sql<TerminalProgress>(`SELECT t.terminal_id,
          coalesce(sum(CASE WHEN ${SYNCED_NOW} THEN 1 ELSE 0 END), 0) AS synced,
          coalesce(sum(CASE WHEN st.status = 'failed' THEN 1 ELSE 0 END), 0) AS failing,
          min(CASE WHEN ${SYNCED_NOW} THEN NULL ELSE ph.updated_at END) AS behind_since
        FROM terminals t
        JOIN product_photos ph ON 1 = 1
        JOIN products p ON p.id = ph.product_id AND p.active = 1
        JOIN store_brands sb ON sb.brand_id = p.brand_id AND sb.store_id = t.store_id
          AND sb.is_active = 1
        LEFT JOIN sync_status st ON st.store_id = t.store_id AND st.photo_id = ph.id
          AND st.terminal_id = t.terminal_id
        WHERE t.store_id = @store_id
        GROUP BY t.terminal_id ORDER BY t.terminal_id`).all({ store_id }),
    );
  }

  listFailures(store_id: string, terminal_id?: string): FailureRecord[] {
    return this.read(() =>
      this.sql<FailureRecord>(`SELECT st.terminal_id, st.photo_id, p.name AS product_name, st.error,
          st.reported_at
        FROM sync_status st
        JOIN product_photos ph ON ph.id = st.photo_id
        JOIN products p ON p.id = ph.product_id AND p.active = 1
        JOIN store_brands sb ON sb.brand_id = p.brand_id AND sb.store_id = st.store_id
          AND sb.is_active = 1
        WHERE st.store_id = @store_id AND st.status = 'failed'
          AND (@terminal_id IS NULL OR st.terminal_id = @terminal_id)
        ORDER BY st.reported_at DESC, st.photo_id`).all({
        store_id,
        terminal_id: terminal_id ?? null,
      }),
    );
  }

  listReports(store_id: string, terminal_id: string, limit: number): ReportSummary[] {
    return this.read(() =>
      this.sql<ReportSummary>(`SELECT reported_at, items, synced, failed FROM status_reports
        WHERE store_id = ? AND terminal_id = ? ORDER BY id DESC LIMIT ?`).all(
        store_id,
        terminal_id,
        limit,
      ),
    );
  }

  listUnsynced(
    store_id: string,
    terminal_id: string,
    limit: number,
    offset: number,
  ): RowPage<UnsyncedPhoto> {
    const from = `${IN_SCOPE}
      LEFT JOIN sync_status st ON st.store_id = @store_id AND st.photo_id = ph.id
        AND st.terminal_id = @terminal_id
      WHERE ${NOT_SYNCED_NOW}`;
    const params = { store_id, terminal_id, limit, offset };
    return this.read(() => ({
      rows: this.sql<UnsyncedPhoto>(`SELECT ph.id AS photo_id, p.name AS product_name, ph.filename,
          ph.version, ph.updated_at, st.status AS last_status, st.error, st.reported_at
        ${from} ORDER BY ph.updated_at, ph.id LIMIT @limit OFFSET @offset`).all(params),
      total: this.sql<{ n: number }>(`SELECT count(*) AS n ${from}`).get(params)!.n,
    }));
  }

  listUnsyncedByAll(store_id: string, limit: number, offset: number): RowPage<PhotoGap> {
    const from = `${IN_SCOPE}
      WHERE NOT EXISTS (SELECT 1 FROM sync_status st WHERE st.store_id = @store_id
        AND st.photo_id = ph.id AND ${SYNCED_NOW})`;
    const params = { store_id, limit, offset };
    return this.read(() => ({
      rows: this.sql<PhotoGap>(`SELECT ph.id AS photo_id, p.name AS product_name, ph.filename,
          ph.updated_at ${from} ORDER BY ph.updated_at, ph.id LIMIT @limit OFFSET @offset`).all(
        params,
      ),
      total: this.sql<{ n: number }>(`SELECT count(*) AS n ${from}`).get(params)!.n,
    }));
  }

  listProductsWithoutPrimary(store_id: string): ProductGap[] {
    return this.read(() =>
      this.sql<ProductGap>(`SELECT p.id AS product_id, p.sku, p.name,
          (SELECT count(*) FROM product_photos ph WHERE ph.product_id = p.id) AS photos
        FROM products p
        JOIN store_brands sb ON sb.brand_id = p.brand_id AND sb.store_id = @store_id
          AND sb.is_active = 1
        WHERE p.active = 1 AND NOT EXISTS (SELECT 1 FROM product_photos ph
          WHERE ph.product_id = p.id AND ph.is_primary = 1)
        ORDER BY p.name, p.id`).all({ store_id }),
    );
  }

  close(): void {
    this.db.close();
  }

  // ---- internals ----

  /** Runs `fn` in a write transaction; `stamp()` yields this transaction's single clock tick, taken on first use. */
  private write<T>(fn: (stamp: () => IsoTime) => T): T {
    return this.tx.immediate(() => {
      let t: IsoTime | undefined;
      return fn(() => (t ??= this.tick()));
    }) as T;
  }

  private clockMs(): number {
    return this.sql<{ last_ms: number }>('SELECT last_ms FROM clock WHERE id = 1').get()!.last_ms;
  }

  /** Next write time: never before the wall clock, always after every time already written or handed out. */
  private tick(): IsoTime {
    const ms = Math.max(this.now(), this.clockMs() + 1);
    this.sql('UPDATE clock SET last_ms = ? WHERE id = 1').run(ms);
    return isoFromMs(ms);
  }

  private updatePhoto(
    photo_id: string,
    assignments: string,
    params: Record<string, unknown>,
    before?: (photo: PhotoRecord, t: IsoTime) => void,
  ): PhotoRecord {
    return this.write((stamp) => {
      const photo = this.getPhoto(photo_id);
      if (!photo) throw new NotFoundError(`Photo ${photo_id} not found`);
      const t = stamp();
      before?.(photo, t);
      this.sql(
        `UPDATE product_photos SET ${assignments}, updated_at = @t WHERE id = @photo_id`,
      ).run({ ...params, t, photo_id });
      return this.getPhoto(photo_id)!;
    });
  }

  private unsetOtherPrimaries(product_id: string, keep_id: string, t: IsoTime): void {
    this.sql(`UPDATE product_photos SET is_primary = 0, updated_at = ?
      WHERE product_id = ? AND id <> ? AND is_primary = 1`).run(t, product_id, keep_id);
  }

  private linkActive(store_id: string, brand_id: string): boolean {
    return !!this.sql(
      'SELECT 1 FROM store_brands WHERE store_id = ? AND brand_id = ? AND is_active = 1',
    ).get(store_id, brand_id);
  }

  private exists(table: Table, id: string): boolean {
    return this.sql(`SELECT 1 FROM ${table} WHERE id = ?`).get(id) !== undefined;
  }

  /** Prepared statements, cached by source text (better-sqlite3 does not cache them itself). */
  private sql<R = unknown>(source: string): Database.Statement<unknown[], R> {
    let stmt = this.statements.get(source);
    if (!stmt) {
      stmt = this.db.prepare(source);
      this.statements.set(source, stmt);
    }
    return stmt as Database.Statement<unknown[], R>;
  }

  private read<T>(fn: () => T): T {
    return this.tx.deferred(fn) as T;
  }

  private requireRow(table: Table, id: string): void {
    if (!this.exists(table, id)) throw new NotFoundError(`${LABELS[table]} ${id} not found`);
  }

  private requireAbsent(table: Table, id: string): void {
    if (this.exists(table, id)) throw new ConflictError(`${LABELS[table]} ${id} already exists`);
  }
}
