/**
 * The embedded image store: one file per object key under a root directory. Writes land in
 * `<root>/.tmp/` first and are renamed into place after fsync, so readers never see a partial file.
 */
import { createReadStream, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidInputError } from './errors';
import type { ImageRepository, ObjectInfo } from './types';

/** Directory (inside the root, so rename stays on one file system) holding in-flight writes. */
const TEMP_DIR = '.tmp';
/** A temp file this old is abandoned even if its pid is alive again (pids repeat across container restarts). */
const TEMP_MAX_AGE_MS = 60 * 60 * 1000;

/** Throws InvalidInputError unless `key` is a relative, '/'-separated path that stays inside the root. */
export function validateObjectKey(key: string): void {
  const problem =
    typeof key !== 'string' || key === ''
      ? 'is empty'
      : key.includes('\0')
        ? 'contains NUL'
        : key.includes('\\')
          ? 'contains a backslash'
          : key.startsWith('/') || /^[a-zA-Z]:/.test(key)
            ? 'is absolute'
            : key.split('/').some((s) => s === '' || s === '.' || s === '..')
              ? 'has an empty, "." or ".." segment'
              : key.split('/')[0] === TEMP_DIR
                ? `uses the reserved prefix ${TEMP_DIR}/`
                : undefined;
  if (problem) throw new InvalidInputError(`Invalid object key ${JSON.stringify(key)}: ${problem}`);
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** ImageRepository on the local file system; `rootDir` is created if missing. */
export class FsImageRepository implements ImageRepository {
  private readonly root: string;
  private readonly tempDir: string;

  constructor(rootDir: string) {
    this.root = path.resolve(rootDir);
    this.tempDir = path.join(this.root, TEMP_DIR);
    mkdirSync(this.tempDir, { recursive: true });
    this.removeStaleTemps();
  }

  async put(key: string, data: Buffer | Readable): Promise<ObjectInfo> {
    const target = this.pathOf(key);
    // The writer's pid is in the name so another process sharing the root (the admin CLI)
    // only ever sweeps temp files whose writer is gone.
    const temp = path.join(this.tempDir, `${process.pid}-${randomBytes(8).toString('hex')}.part`);
    try {
      const file = await open(temp, 'wx');
      try {
        // writeFile (unlike write) loops until the whole chunk is on disk.
        for await (const chunk of Buffer.isBuffer(data) ? [data] : data)
          await file.writeFile(chunk as Buffer);
        await file.sync();
      } finally {
        await file.close();
      }
      await mkdir(path.dirname(target), { recursive: true });
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    await this.syncDir(path.dirname(target));
    return (await this.stat(key))!;
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    try {
      const s = await stat(this.pathOf(key));
      return s.isFile() ? { size: s.size, mtime_ms: s.mtimeMs } : undefined;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    const file = this.pathOf(key);
    if (range) {
      const { start, end } = range;
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
        throw new InvalidInputError(`Invalid byte range ${start}-${end}`);
      }
    }
    return createReadStream(file, range && { start: range.start, end: range.end });
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async *list(): AsyncIterable<ObjectInfo & { key: string }> {
    yield* this.walk(this.root, []);
  }

  private async *walk(dir: string, prefix: string[]): AsyncIterable<ObjectInfo & { key: string }> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (prefix.length === 0 && entry.name === TEMP_DIR) continue;
      const segments = [...prefix, entry.name];
      if (entry.isDirectory()) yield* this.walk(path.join(dir, entry.name), segments);
      else if (entry.isFile()) {
        const info = await this.stat(segments.join('/'));
        if (info) yield { key: segments.join('/'), ...info };
      }
    }
  }

  private pathOf(key: string): string {
    validateObjectKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  /** Makes the rename itself durable, not just the file contents. */
  private async syncDir(dir: string): Promise<void> {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  private removeStaleTemps(): void {
    for (const name of readdirSync(this.tempDir)) {
      const file = path.join(this.tempDir, name);
      const pid = Number(/^(\d+)-[0-9a-f]+\.part$/.exec(name)?.[1]);
      const writerGone = !Number.isSafeInteger(pid) || pid <= 0 || !pidAlive(pid);
      if (writerGone || Date.now() - statSync(file).mtimeMs > TEMP_MAX_AGE_MS) {
        rmSync(file, { force: true, recursive: true });
      }
    }
  }
}
