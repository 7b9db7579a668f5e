import type { Readable } from 'node:stream';

/** Bytes `start` to `end`, both inclusive (as an HTTP Range names them). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where attachment files live: a folder under DATA_DIR for one instance, an S3-compatible
 * bucket for several. Keys are opaque, chosen by AttachmentsService; objects never change.
 */
export abstract class AttachmentStorage {
  /** Stores `size` bytes read from `source` under `key` (complete or not at all). */
  abstract put(key: string, source: Readable, size: number): Promise<void>;

  /** The object's bytes, or the range of them. Rejects when there is no such object. */
  abstract read(key: string, range?: ByteRange): Promise<Readable>;

  /** Removes the objects; keys that do not exist are no error. */
  abstract remove(keys: readonly string[]): Promise<void>;

  /** Whether `key` is stored (tests and the sweep's checks). */
  abstract exists(key: string): Promise<boolean>;
}
