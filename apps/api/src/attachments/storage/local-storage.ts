import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AttachmentStorage, type ByteRange } from './attachment-storage';

const KEY = /^[a-z0-9][a-z0-9._-]*$/;

/** Files in a folder (DATA_DIR/attachments): the default, for a single instance. */
export class LocalStorage extends AttachmentStorage {
  constructor(private readonly root: string) {
    super();
  }

  async put(key: string, source: Readable, size: number): Promise<void> {
    const path = this.path(key);
    const partial = `${path}.partial`;
    await mkdir(this.root, { recursive: true });
    try {
      await pipeline(source, createWriteStream(partial, { flags: 'wx' }));
      const written = (await stat(partial)).size;
      if (written !== size) throw new Error(`stored ${written} bytes of ${size} for ${key}`);
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const stream = createReadStream(this.path(key), range);
    // Opening fails asynchronously: wait for it so a missing file rejects here.
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return stream;
  }

  async remove(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => rm(this.path(key), { force: true })));
  }

  async exists(key: string): Promise<boolean> {
    return stat(this.path(key)).then(
      () => true,
      () => false,
    );
  }

  private path(key: string): string {
    if (!KEY.test(key)) throw new Error(`not a storage key: ${key}`);
    return join(this.root, key);
  }
}
