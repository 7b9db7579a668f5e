import { hasNul, LIMITS, textLength } from './limits';
import type { Message } from './models';

/** GET /api/search query. */
export interface SearchQuery {
  /** 1-200 characters (LIMITS.searchQueryMax). */
  q: string;
  /** Only this chat (403 when the caller is not a member). */
  chatId?: string;
  /** A message id: hits older than it (the next page). */
  before?: string;
  /** 1-50, default 20. */
  limit?: number | string;
}

/** A range of `message.content` that matched: JavaScript string indices, end exclusive. */
export type HighlightRange = [start: number, end: number];

export interface SearchHit {
  message: Message;
  /** The chat's title as the caller sees it (`All`, the other member's name, a group's title). */
  chatTitle: string;
  /** Ascending, not overlapping. */
  highlights: HighlightRange[];
}

/** Newest first; `hasMore`: ask again with `before` = the last hit's message id. */
export interface SearchPage {
  hits: SearchHit[];
  hasMore: boolean;
}

/** A run of letters (with their combining marks) and digits, in any script. */
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const LATIN_LETTER = /\p{Script=Latin}/u;
const MARK = /\p{M}/u;
/**
 * Letters PostgreSQL's `unaccent` folds that Unicode does not decompose. Cyrillic ё folds to е
 * (unaccent does: Russian is often written without it), but й and ї stay themselves: they
 * are letters of their own in Ukrainian and Russian, not accented и and і.
 */
const FOLDS: Readonly<Record<string, string>> = {
  ё: 'е',
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/**
 * A word as search compares it: lower-case, and accents removed from Latin letters (`Café` →
 * `cafe`), the way the database's `chat_search_text` (unaccent, then lower) normalises
 * what it indexes.
 */
export function foldWord(word: string): string {
  let folded = '';
  let base = '';
  for (const char of word.toLowerCase().normalize('NFD')) {
    if (MARK.test(char)) {
      if (!LATIN_LETTER.test(base)) folded += char;
      continue;
    }
    base = char;
    folded += char;
  }
  return Array.from(folded.normalize('NFC'), (char) => FOLDS[char] ?? char).join('');
}

/**
 * The query's terms, each to match a word or the start of a word: its runs of letters and
 * digits, folded, without repeats. Empty for a query of only punctuation or spaces (which then
 * answers no hits, never every message).
 */
export function searchTerms(q: string): string[] {
  const terms = new Set<string>();
  for (const match of q.normalize('NFC').matchAll(WORD)) terms.add(foldWord(match[0]));
  return [...terms].filter((term) => term.length > 0);
}

/**
 * The words of `content` that start with one of `terms` (as searchTerms gives them), as
 * ranges of `content`: the whole word, so `caf` highlights `Café`.
 */
export function highlightRanges(content: string, terms: readonly string[]): HighlightRange[] {
  if (terms.length === 0) return [];
  const ranges: HighlightRange[] = [];
  for (const match of content.matchAll(WORD)) {
    const word = foldWord(match[0].normalize('NFC'));
    if (terms.some((term) => word.startsWith(term))) {
      ranges.push([match.index, match.index + match[0].length]);
    }
  }
  return ranges;
}

/** `text` cut into pieces to render as text, each marked whether it is highlighted. */
export function highlightSegments(
  text: string,
  ranges: readonly HighlightRange[],
): { text: string; highlighted: boolean }[] {
  const segments: { text: string; highlighted: boolean }[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start < at || end <= start || end > text.length) continue;
    if (start > at) segments.push({ text: text.slice(at, start), highlighted: false });
    segments.push({ text: text.slice(start, end), highlighted: true });
    at = end;
  }
  if (at < text.length) segments.push({ text: text.slice(at), highlighted: false });
  return segments;
}

/** `q`: 1-200 characters (as textLength counts), no NUL. */
export function isSearchQuery(value: unknown): value is string {
  if (typeof value !== 'string' || hasNul(value)) return false;
  const length = textLength(value);
  return length >= 1 && length <= LIMITS.searchQueryMax;
}
