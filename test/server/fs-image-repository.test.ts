/** Runs the ImageRepository contract on the directory store, plus its file-system specifics: layout and temp-file sweeping. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FsImageRepository } from '../../server/src/persistence/fs-image-repository';
import { imageRepositoryContract } from './image-repository-contract';

const base = mkdtempSync(path.join(tmpdir(), 'fs-images-'));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const freshRoot = () => path.join(base, `root-${n++}`);

imageRepositoryContract('fs directory', () => new FsImageRepository(freshRoot()));

describe('FsImageRepository specifics', () => {
  it('lays objects out as files under the root and leaves no temp files behind', async () => {
    const root = freshRoot();
    const images = new FsImageRepository(root);
    await images.put('products/p1/a.jpg', Buffer.from('jpeg bytes'));
    assert.equal(readFileSync(path.join(root, 'products', 'p1', 'a.jpg'), 'utf8'), 'jpeg bytes');
    assert.deepEqual(readdirSync(path.join(root, '.tmp')), []);
    await assert.rejects(images.put('.tmp/x.jpg', Buffer.from('x')), /reserved prefix/);
  });

  it('sweeps temp files of dead writers on start, keeping those of live ones', () => {
    const root = freshRoot();
    const temp = path.join(root, '.tmp');
    mkdirSync(temp, { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(path.join(temp, `${dead}-abcdef.part`), 'partial');
    writeFileSync(path.join(temp, 'garbage'), 'partial');
    writeFileSync(path.join(temp, `${process.pid}-abcdef.part`), 'in flight');
    new FsImageRepository(root);
    assert.deepEqual(readdirSync(temp), [`${process.pid}-abcdef.part`]);
    assert.ok(!existsSync(path.join(temp, `${dead}-abcdef.part`)));
  });
});
