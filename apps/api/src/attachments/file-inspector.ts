import { stat } from 'node:fs/promises';
import sharp from 'sharp';
import type { AttachmentKind } from '@chat/shared-types';

/** The raster formats shown inline (and re-encoded so no metadata survives). */
type RasterFormat = 'png' | 'jpeg' | 'gif' | 'webp';

const RASTER = new Map<string, RasterFormat>([
  ['image/png', 'png'],
  ['image/jpeg', 'jpeg'],
  ['image/gif', 'gif'],
  ['image/webp', 'webp'],
]);

/** Longest side of a thumbnail, in pixels. */
export const THUMBNAIL_SIZE = 320;
export const THUMBNAIL_MIME = 'image/webp';
/** Larger images are stored as files (no decoding a pixel bomb). */
const MAX_PIXELS = 100_000_000;

export interface InspectedFile {
  mime: string;
  kind: AttachmentKind;
  width: number | null;
  height: number | null;
  /** What is stored and served as the original: the upload, or its clean re-encoding. */
  served: { path: string; size: number };
  thumbnail: { path: string; size: number } | null;
}

/**
 * What a file is, from its bytes alone (the client's Content-Type and file name are never
 * asked): file-type's signatures; UTF-8 text without NUL that matches none is text/plain;
 * anything else application/octet-stream. A PNG, JPEG, GIF or WebP that sharp decodes is an
 * `image`: re-encoded in its own format with its EXIF orientation applied and every metadata
 * block (EXIF with GPS, XMP, ICC comments, trailing bytes such as a polyglot's HTML) dropped,
 * plus a THUMBNAIL_SIZE WebP thumbnail. A file claiming a raster signature that does not
 * decode stays a `file` (served as a download).
 */
export async function inspectFile(
  path: string,
  size: number,
  head: Buffer,
): Promise<InspectedFile> {
  const asFile = (mime: string): InspectedFile => ({
    mime,
    kind: 'file',
    width: null,
    height: null,
    served: { path, size },
    thumbnail: null,
  });
  if (size === 0) return asFile('application/octet-stream');
  const { fileTypeFromBuffer } = await import('file-type');
  const detected = await fileTypeFromBuffer(head);
  if (!detected) return asFile(isText(head) ? 'text/plain' : 'application/octet-stream');
  const format = RASTER.get(detected.mime);
  if (!format) return asFile(detected.mime);
  try {
    const animated = format === 'gif' || format === 'webp';
    const options = { animated, limitInputPixels: MAX_PIXELS, failOn: 'error' as const };
    const served = `${path}.clean`;
    const info = await sharp(path, options)
      .rotate()
      .toFormat(format, encoding(format))
      .toFile(served);
    const thumbnail = `${path}.thumb`;
    await sharp(path, { limitInputPixels: MAX_PIXELS, failOn: 'error' })
      .rotate()
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toFile(thumbnail);
    return {
      mime: detected.mime,
      kind: 'image',
      width: info.width,
      // An animation's pages are stacked in `height`.
      height: info.pageHeight ?? info.height,
      served: { path: served, size: info.size },
      thumbnail: { path: thumbnail, size: (await stat(thumbnail)).size },
    };
  } catch {
    return asFile(detected.mime);
  }
}

function encoding(format: RasterFormat): object {
  if (format === 'jpeg') return { quality: 90 };
  if (format === 'webp') return { quality: 90 };
  return {};
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 without NUL (a multi-byte character cut at the end of the sample is allowed). */
function isText(head: Buffer): boolean {
  if (head.includes(0)) return false;
  for (let cut = 0; cut < 4 && cut < head.length; cut++) {
    try {
      decoder.decode(head.subarray(0, head.length - cut));
      return true;
    } catch {
      // try without the last byte(s): a character may straddle the sample's end
    }
  }
  return false;
}
