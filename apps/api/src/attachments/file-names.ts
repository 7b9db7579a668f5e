/** Longest stored file name, in characters. */
const NAME_MAX = 200;

/**
 * The name an upload is stored and offered under: the last segment of whatever path the
 * client sent (`../../etc/passwd` is `passwd`), without control or format characters
 * (newlines, NUL, bidi overrides that disguise `exe.pdf`), trimmed, at most 200 characters;
 * `file` when nothing is left. Never used as a storage key (keys are ids).
 */
export function safeFileName(raw: string): string {
  const last = raw.split(/[/\\]/).pop() ?? '';
  const clean = last
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .trim()
    .replace(/^\.+/, '');
  const name = Array.from(clean).slice(0, NAME_MAX).join('').trim();
  return name || 'file';
}

/**
 * `Content-Disposition` for `name` (RFC 6266): `filename*` with the UTF-8 name percent-encoded
 * (RFC 8187), which every current browser prefers, and a plain ASCII `filename` for the rest:
 * non-ASCII runs, quotes, backslashes and percent signs become `_`.
 */
export function contentDisposition(type: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]+/g, '_').replace(/["\\%]/g, '_');
  const fallback = /[A-Za-z0-9]/.test(ascii.replace(/\.[^.]*$/, ''))
    ? ascii
    : `file${extension(ascii)}`;
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

function extension(name: string): string {
  return /\.[A-Za-z0-9]{1,10}$/.exec(name)?.[0] ?? '';
}
