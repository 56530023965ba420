/**
 * Streaming verification of a photo body: incremental MD5 (hash-wasm) and byte count while the body
 * arrives, with periodic checkpoints of the bytes and the MD5 state so an interrupted download resumes
 * with Range. Bytes leave this module only as a Blob whose MD5 and size match the listing and whose
 * magic number is that of the listed raster image type.
 */
import { createMD5, type IHasher } from 'hash-wasm';
import { ChecksumMismatchError, UnsupportedImageTypeError } from '../shared/errors';
import { allowedImageType, hasMagicOf, MAGIC_BYTES } from '../shared/image-types';
import type { PhotoMeta } from '../shared/types';
import { bodyDeadline, type Exchange, type HttpContext } from './http';
import type { PartialDownload } from './ports';

/** Bytes already held for this download: resumed from a partial, or nothing. */
export interface Resume {
  received: number;
  md5State: Uint8Array | null;
  parts: Blob[];
}

/** Persists a checkpoint: bytes received so far, MD5 state after them, and the chunk since the last one. */
export type Checkpoint = (received: number, md5State: Uint8Array, chunk: Blob) => Promise<void>;

/** A fresh start (no bytes held). */
export const FRESH: Resume = { received: 0, md5State: null, parts: [] };

/** Resume point of a stored partial. */
export function resumeFrom(partial: PartialDownload): Resume {
  return { received: partial.received, md5State: partial.md5_state, parts: partial.chunks };
}

/**
 * Hashers of finished downloads, for the next: `createMD5` instantiates a WebAssembly module each time,
 * a cost per photo as large as hashing a small photo. A hasher is returned only after its digest (or a
 * failure), and `hasherAt` resets or loads it, so no state crosses from one download to another.
 */
const idleHashers: IHasher[] = [];

async function hasherAt(state: Uint8Array | null): Promise<IHasher> {
  const hasher = (idleHashers.pop() ?? (await createMD5())).init();
  return state === null ? hasher : hasher.load(state);
}

/**
 * Reads the body of `ex` after the bytes in `resume`, verifying the whole photo against `meta`.
 * Throws ChecksumMismatchError (size or MD5), UnsupportedImageTypeError (not the listed raster type)
 * and never returns unverified bytes.
 */
export async function readVerified(
  ctx: HttpContext,
  ex: Exchange,
  meta: PhotoMeta,
  resume: Resume,
  checkpoint: Checkpoint,
): Promise<Blob> {
  const hasher = await hasherAt(resume.md5State);
  try {
    return await readInto(ctx, ex, meta, resume, checkpoint, hasher);
  } finally {
    idleHashers.push(hasher);
  }
}

async function readInto(
  ctx: HttpContext,
  ex: Exchange,
  meta: PhotoMeta,
  resume: Resume,
  checkpoint: Checkpoint,
  hasher: IHasher,
): Promise<Blob> {
  const parts = [...resume.parts];
  let received = resume.received;
  let unsaved: Uint8Array<ArrayBuffer>[] = [];
  let unsavedBytes = 0;
  const body = ex.res.body;
  if (body !== null) {
    const reader = body.getReader();
    const deadline = bodyDeadline(ctx, ex.controller);
    try {
      for (;;) {
        const { done, value } = await deadline.read(reader.read());
        if (done) break;
        // Fetch bodies are never backed by a SharedArrayBuffer; the lib types just do not say so.
        const bytes = value as Uint8Array<ArrayBuffer>;
        received += bytes.byteLength;
        if (received > meta.size) throw sizeMismatch(meta, `more than ${meta.size} bytes`);
        hasher.update(bytes);
        unsaved.push(bytes);
        unsavedBytes += bytes.byteLength;
        if (unsavedBytes >= ctx.settings.partialCheckpointBytes && received < meta.size) {
          const chunk = new Blob(unsaved);
          await checkpoint(received, hasher.save(), chunk);
          parts.push(chunk);
          unsaved = [];
          unsavedBytes = 0;
        }
      }
    } finally {
      deadline.stop();
      ex.controller.abort();
    }
  }
  if (received !== meta.size) throw sizeMismatch(meta, `${received} bytes`);
  const digest = hasher.digest('hex');
  if (digest !== meta.checksum) {
    throw new ChecksumMismatchError(
      'checksum mismatch',
      `photo ${meta.id}: MD5 ${digest}, expected ${meta.checksum}`,
    );
  }
  return imageBlob(meta, [...parts, ...unsaved]);
}

/** Throws UnsupportedImageTypeError unless `meta` lists an allowed raster type; returns that type. */
export function requireImageType(meta: PhotoMeta): string {
  const type = allowedImageType(meta.content_type);
  if (type === null)
    throw new UnsupportedImageTypeError(`photo ${meta.id}: listed as ${meta.content_type}`);
  return type;
}

/**
 * The first MAGIC_BYTES bytes (or all of a shorter photo) when they are in memory, else null: a body read
 * without a checkpoint is all in memory, and reading the head back from a Blob costs a round trip to the
 * browser's blob store per photo.
 */
function headInMemory(parts: readonly BlobPart[]): Uint8Array | null {
  const head = new Uint8Array(MAGIC_BYTES);
  let filled = 0;
  for (const part of parts) {
    if (filled === MAGIC_BYTES) break;
    if (!(part instanceof Uint8Array)) return null;
    const take = part.subarray(0, MAGIC_BYTES - filled);
    head.set(take, filled);
    filled += take.byteLength;
  }
  return head.subarray(0, filled);
}

/** The verified bytes as a Blob of the listed type, once their magic number says they are one. */
async function imageBlob(meta: PhotoMeta, parts: BlobPart[]): Promise<Blob> {
  const type = requireImageType(meta);
  const blob = new Blob(parts, { type });
  const head =
    headInMemory(parts) ?? new Uint8Array(await blob.slice(0, MAGIC_BYTES).arrayBuffer());
  if (!hasMagicOf(type, head))
    throw new UnsupportedImageTypeError(`photo ${meta.id}: bytes are not ${type}`);
  return blob;
}

function sizeMismatch(meta: PhotoMeta, got: string): ChecksumMismatchError {
  return new ChecksumMismatchError(
    'size mismatch',
    `photo ${meta.id}: got ${got}, expected ${meta.size}`,
  );
}
