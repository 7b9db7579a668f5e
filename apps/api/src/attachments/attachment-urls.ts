import { createHmac, timingSafeEqual } from 'node:crypto';

export const VARIANTS = ['original', 'thumbnail'] as const;
export type Variant = (typeof VARIANTS)[number];

/** An attachment as a Message carries it, before its URLs are signed. */
export interface AttachmentRecord {
  id: string;
  name: string;
  size: number | string;
  mime: string;
  kind: 'image' | 'file';
  width: number | null;
  height: number | null;
  /** Whether a thumbnail is stored (raster images). */
  thumb: boolean;
}

export interface UrlKeys {
  /** Signs every URL. */
  current: string;
  /** Still accepted (a rotation in progress), never used to sign. */
  previous: string | null;
  ttlSeconds: number;
}

/**
 * Signed, expiring URLs for attachment files: `/api/attachments/<id>/<variant>?exp=&sig=`,
 * where sig = HMAC-SHA256(key, "<id>:<variant>:<exp>"). Anyone holding one can load the file
 * until `exp` (an `<img src>` sends no Authorization header); only members are handed them,
 * with every Message the server returns. Expiries are rounded up to a step (a quarter of the
 * lifetime, at most 15 minutes), so the same message read twice within a step carries the
 * same URL and the browser's cache serves it.
 */
export class AttachmentUrls {
  constructor(private readonly keys: UrlKeys) {}

  sign(id: string, variant: Variant, now = Date.now()): string {
    const step = Math.min(Math.max(Math.floor(this.keys.ttlSeconds / 4), 1), 900);
    const exp = Math.ceil((Math.floor(now / 1000) + this.keys.ttlSeconds) / step) * step;
    const sig = mac(this.keys.current, id, variant, exp);
    return `/api/attachments/${id}/${variant}?exp=${exp}&sig=${sig}`;
  }

  /** Whether `sig` signs (id, variant, exp) with the current or previous key, and exp is ahead. */
  verify(id: string, variant: string, exp: string, sig: string, now = Date.now()): boolean {
    if (!/^\d{1,12}$/.test(exp) || Number(exp) * 1000 <= now) return false;
    const given = Buffer.from(sig, 'base64url');
    return [this.keys.current, this.keys.previous].some((key) => {
      if (!key) return false;
      const expected = Buffer.from(mac(key, id, variant, Number(exp)), 'base64url');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  }

  /** The contract's Attachment, with fresh URLs. */
  toAttachment(record: AttachmentRecord) {
    return {
      id: record.id,
      name: record.name,
      size: Number(record.size),
      mime: record.mime,
      kind: record.kind,
      width: record.width,
      height: record.height,
      url: this.sign(record.id, 'original'),
      thumbnailUrl: record.thumb ? this.sign(record.id, 'thumbnail') : null,
    };
  }
}

function mac(key: string, id: string, variant: string, exp: number): string {
  return createHmac('sha256', key).update(`${id}:${variant}:${exp}`).digest('base64url');
}

let installed: AttachmentUrls | null = null;

/**
 * The process's signer, for message.mapper's toMessage (a plain function called from every
 * feature that returns Messages): AttachmentsModule installs it at boot.
 */
export function attachmentUrls(): AttachmentUrls {
  if (!installed) throw new Error('AttachmentsModule has not installed the URL signer');
  return installed;
}

export function installAttachmentUrls(urls: AttachmentUrls): void {
  installed = urls;
}
