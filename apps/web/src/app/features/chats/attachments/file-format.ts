/** A byte count as people read it: 532 B, 14 KB, 3.2 MB. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1).replace(/\.0$/, '') : Math.round(value)} ${units[unit]}`;
}

/** The short label a file tile shows in its icon: the name's extension, else the type. */
export function fileLabel(name: string, mime: string): string {
  const extension = /\.([a-z0-9]{1,5})$/i.exec(name)?.[1];
  if (extension) return extension.toUpperCase();
  return (mime.split('/')[1] ?? 'file').slice(0, 4).toUpperCase();
}

/** Refresh a signed URL this long before it expires, so a load started now still succeeds. */
export const URL_EXPIRY_MARGIN_MS = 60_000;

/** Whether a signed URL (`…?exp=<unix seconds>&sig=…`) has expired, or is about to. */
export function isExpired(url: string | null, now = Date.now()): boolean {
  if (!url) return false;
  const exp = /[?&]exp=(\d+)/.exec(url)?.[1];
  return exp !== undefined && Number(exp) * 1000 - URL_EXPIRY_MARGIN_MS <= now;
}

/** A message's files in a few words, for where its text would go (the chat list's preview). */
export function describeFiles(attachments: readonly { kind: string; name: string }[]): string {
  const photos = attachments.filter((a) => a.kind === 'image').length;
  const first = attachments[0];
  if (!first) return '';
  if (photos === attachments.length) return photos === 1 ? 'Photo' : `${photos} photos`;
  return attachments.length === 1 ? first.name : `${attachments.length} files`;
}
