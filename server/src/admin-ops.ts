/**
 * Catalog administration shared by the admin HTTP endpoints and the `npm run ho` CLI: photos
 * (add, replace, primary, sort order, delete), products (activate/deactivate), brand links and
 * sync-status listing. Photo bytes go through the PhotoWriter (each write under a key of its own,
 * compare-and-set on the version); bytes no photo references any more are left to the sweep.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { hashPassword } from './auth/password';
import { inspectImage } from './image-inspect';
import { InvalidInputError, NotFoundError } from './persistence/errors';
import type {
  Brand,
  MetadataRepository,
  PhotoRecord,
  PhotoWriter,
  Product,
  StatusRecord,
  Store,
  User,
} from './persistence/types';

/** Image bytes given in memory (HTTP upload) or as a file path (CLI). */
export type ImageSource = { bytes: Buffer } | { path: string };

/** Largest accepted image, uploaded or added from a file. */
export const MAX_IMAGE_BYTES = 25 * 1024 * 1024;

/** A user as listed: everything but the password hash. */
export type UserInfo = Omit<User, 'password_hash'>;

/** A new user; store users need at least one store. */
export interface AddUserInput {
  username: string;
  password: string;
  role: 'admin' | 'store';
  store_ids: string[];
}

/** Usernames as the token endpoint accepts them (Django's rule). */
const USERNAME = /^[\w.@+-]{1,150}$/;
/** Shortest password accepted for a new user or a password change. */
export const MIN_PASSWORD_LENGTH = 10;

function checkPassword(password: string): string {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new InvalidInputError(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  return password;
}

function userInfo({ password_hash: _hash, ...info }: User): UserInfo {
  return info;
}

/** A new photo of a product. */
export interface AddPhotoInput {
  product_id: string;
  source: ImageSource;
  filename?: string;
  is_primary?: boolean;
  sort_order?: number;
}

function checkFilename(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what a file name must not hold.
  if (name === '' || name.length > 255 || /[/\\\0-\x1f\x7f]/.test(name)) {
    throw new InvalidInputError(
      'filename must be 1-255 characters without slashes or control characters',
    );
  }
  return name;
}

function checkSortOrder(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0 || n > 1_000_000)
    throw new InvalidInputError('sort_order must be an integer from 0 to 1000000');
  return n;
}

/** Admin operations over the two storage ports. */
export class AdminOps {
  constructor(
    private readonly meta: MetadataRepository,
    private readonly photos: PhotoWriter,
  ) {}

  /** Every user, without password hashes. */
  async listUsers(): Promise<UserInfo[]> {
    return (await this.meta.listUsers()).map(userInfo);
  }

  /** Creates a user on purpose (an admin, or a store user scoped to `store_ids`). */
  async addUser(input: AddUserInput): Promise<UserInfo> {
    if (!USERNAME.test(input.username))
      throw new InvalidInputError('username may only use letters, digits and @.+-_ (max 150)');
    if (input.role === 'store' && input.store_ids.length === 0)
      throw new InvalidInputError('a store user needs --stores ID[,ID...]');
    if (input.role === 'admin' && input.store_ids.length > 0)
      throw new InvalidInputError('an admin reads every store: leave out --stores');
    await this.meta.createUser({
      username: input.username,
      password_hash: await hashPassword(checkPassword(input.password)),
      role: input.role,
      store_ids: input.store_ids,
    });
    return this.user(input.username);
  }

  /** A new password; every token the user holds stops working, and a disabled user is enabled again. */
  async setPassword(username: string, password: string): Promise<UserInfo> {
    await this.meta.changePassword(username, await hashPassword(checkPassword(password)));
    await this.meta.setUserDisabled(username, false);
    return this.user(username);
  }

  /** Disables a user: sign-in refused and every token they hold refused at once. */
  async disableUser(username: string): Promise<UserInfo> {
    await this.meta.setUserDisabled(username, true);
    return this.user(username);
  }

  private async user(username: string): Promise<UserInfo> {
    const user = await this.meta.getUser(username);
    if (!user) throw new NotFoundError(`User ${username} not found`);
    return userInfo(user);
  }

  /** Every store. */
  listStores(): Promise<Store[]> {
    return this.meta.listStores();
  }

  /** Every brand. */
  listBrands(): Promise<Brand[]> {
    return this.meta.listBrands();
  }

  /** Every product, active or not. */
  listProducts(): Promise<Product[]> {
    return this.meta.listProducts();
  }

  /** Adds a photo to a product (version 1). */
  async addPhoto(input: AddPhotoInput): Promise<PhotoRecord> {
    if (!(await this.meta.getProduct(input.product_id)))
      throw new NotFoundError(`Product ${input.product_id} not found`);
    const id = randomUUID();
    const { bytes, ext, ...stored } = await objectFor(input.product_id, id, input.source);
    return this.photos.addPhoto(
      {
        id,
        product_id: input.product_id,
        ...stored,
        filename: checkFilename(input.filename ?? defaultName(input.source, ext)),
        is_primary: input.is_primary ?? false,
        sort_order: checkSortOrder(input.sort_order ?? 0),
      },
      bytes,
    );
  }

  /**
   * New bytes for a photo: new checksum, version + 1, updated_at bumped. Compare-and-set on the
   * version read here: a concurrent replacement that commits first makes this one a ConflictError
   * (409) and its bytes are dropped. The old bytes stay until the sweep, past the grace period.
   */
  async replacePhoto(
    photo_id: string,
    source: ImageSource,
    filename?: string,
  ): Promise<PhotoRecord> {
    const old = await this.requirePhoto(photo_id);
    const { bytes, ext, ...stored } = await objectFor(old.product_id, old.id, source);
    const name =
      filename ??
      ('path' in source
        ? basename(source.path)
        : old.filename.slice(0, old.filename.length - extname(old.filename).length) + ext);
    return this.photos.replacePhoto(
      photo_id,
      { ...stored, expected_version: old.version, filename: checkFilename(name) },
      bytes,
    );
  }

  /** Makes a photo its product's primary one. */
  setPrimary(photo_id: string): Promise<PhotoRecord> {
    return this.meta.setPrimary(photo_id);
  }

  /** Changes a photo's sort order. */
  setSortOrder(photo_id: string, sort_order: number): Promise<PhotoRecord> {
    return this.meta.setSortOrder(photo_id, checkSortOrder(sort_order));
  }

  /** Deletes a photo (tombstoned for every store that saw it); its bytes go with the sweep, past the grace period. */
  async deletePhoto(photo_id: string): Promise<PhotoRecord> {
    const photo = await this.requirePhoto(photo_id);
    await this.meta.deletePhoto(photo_id);
    return photo;
  }

  /** Activates or deactivates a product; its photos leave or re-enter every store's scope. */
  async setProductActive(product_id: string, active: boolean): Promise<Product> {
    await this.meta.setProductActive(product_id, active);
    return (await this.meta.getProduct(product_id))!;
  }

  /** Links a brand to a store. */
  linkBrand(store_id: string, brand_id: string): Promise<void> {
    return this.meta.linkBrand(store_id, brand_id);
  }

  /** Unlinks a brand from a store. */
  unlinkBrand(store_id: string, brand_id: string): Promise<void> {
    return this.meta.unlinkBrand(store_id, brand_id);
  }

  /** The latest reported state per photo and terminal of a store. */
  syncStatus(store_id: string): Promise<StatusRecord[]> {
    return this.meta.listStatus(store_id);
  }

  private async requirePhoto(photo_id: string): Promise<PhotoRecord> {
    const photo = await this.meta.getPhoto(photo_id);
    if (!photo) throw new NotFoundError(`Photo ${photo_id} not found`);
    return photo;
  }
}

/**
 * Checks the image (type and dimensions) and names its object `products/<product>/<photo>/<random><ext>`:
 * a key of this write alone, so concurrent writers never share one and a reader never sees the bytes
 * under a key change.
 */
async function objectFor(product_id: string, photo_id: string, source: ImageSource) {
  const bytes = 'bytes' in source ? source.bytes : await readSource(source.path);
  const { type, ext } = inspectImage(bytes);
  return {
    bytes,
    ext,
    object_key: `products/${product_id}/${photo_id}/${randomUUID()}${ext}`,
    size: bytes.length,
    content_type: type,
    checksum: createHash('md5').update(bytes).digest('hex'),
  };
}

function defaultName(source: ImageSource, ext: string): string {
  return 'path' in source ? basename(source.path) : `photo${ext}`;
}

/** A whole image file (it is checked before anything is stored), refusing files over MAX_IMAGE_BYTES. */
async function readSource(path: string): Promise<Buffer> {
  try {
    if ((await stat(path)).size > MAX_IMAGE_BYTES)
      throw new InvalidInputError(`${path} is larger than ${MAX_IMAGE_BYTES} bytes`);
    return await readFile(path);
  } catch (e) {
    if (e instanceof InvalidInputError) throw e;
    throw new InvalidInputError(
      `Cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}
