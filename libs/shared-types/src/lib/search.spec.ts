import { foldWord, highlightRanges, highlightSegments, isSearchQuery, searchTerms } from './search';

describe('searchTerms', () => {
  it('folds case and Latin accents, keeps й and ї, turns ё into е, and drops repeats', () => {
    expect(searchTerms('Café CAFE naïve')).toEqual(['cafe', 'naive']);
    expect(searchTerms('Йогурт ЇЖАК Ёлка')).toEqual(['йогурт', 'їжак', 'елка']);
    expect(searchTerms('Straße Łódź')).toEqual(['strasse', 'lodz']);
  });

  it('splits on everything but letters and digits, in any script', () => {
    expect(searchTerms("e-mail: olena@example.com, з'їв 2024")).toEqual([
      'e',
      'mail',
      'olena',
      'example',
      'com',
      'з',
      'їв',
      '2024',
    ]);
    expect(searchTerms('cafe\u0301')).toEqual(['cafe']);
  });

  it('is empty for a query of only punctuation and spaces', () => {
    expect(searchTerms(' ?!… -- "" ')).toEqual([]);
  });
});

describe('highlightRanges', () => {
  it('covers each whole word that starts with a term, as indices of the original text', () => {
    const text = 'Un café à Zürich, CAFÉS et cafetière';
    const ranges = highlightRanges(text, searchTerms('cafe zu'));
    expect(ranges.map(([s, e]) => text.slice(s, e))).toEqual([
      'café',
      'Zürich',
      'CAFÉS',
      'cafetière',
    ]);
    expect(ranges[0]).toEqual([3, 7]);
  });

  it('never matches inside a word, and keeps indices right after astral characters', () => {
    const text = '😀 Привіт supercafe';
    expect(highlightRanges(text, searchTerms('прив cafe'))).toEqual([[3, 9]]);
  });
});

describe('highlightSegments', () => {
  it('cuts text into plain and highlighted pieces that join back into the text', () => {
    const segments = highlightSegments('a cafe b', [[2, 6]]);
    expect(segments).toEqual([
      { text: 'a ', highlighted: false },
      { text: 'cafe', highlighted: true },
      { text: ' b', highlighted: false },
    ]);
    expect(
      highlightSegments('abc', [
        [5, 9],
        [1, 0],
      ]),
    ).toEqual([{ text: 'abc', highlighted: false }]);
  });
});

describe('foldWord and isSearchQuery', () => {
  it('folds like the database: Latin accents go, Cyrillic letters stay', () => {
    expect(foldWord('ÉCOLE')).toBe('ecole');
    expect(foldWord('їжачок')).toBe('їжачок');
  });

  it('accepts 1-200 characters without NUL', () => {
    expect(isSearchQuery('a')).toBe(true);
    expect(isSearchQuery('x'.repeat(200))).toBe(true);
    expect(isSearchQuery('x'.repeat(201))).toBe(false);
    expect(isSearchQuery('')).toBe(false);
    expect(isSearchQuery('a\u0000')).toBe(false);
    expect(isSearchQuery(['a'])).toBe(false);
  });
});
