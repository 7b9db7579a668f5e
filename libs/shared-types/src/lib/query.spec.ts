import { isWholeNumberIn, parseDecimalInt } from './query';

describe('parseDecimalInt', () => {
  it('reads decimal digits only', () => {
    expect(['10', '0', '007', '100'].map(parseDecimalInt)).toEqual([10, 0, 7, 100]);
  });

  it('refuses what Number() would also accept: hex, exponents, signs, spaces, fractions', () => {
    const refused = ['0x10', '1e1', ' 10', '10 ', '+10', '-1', '10.0', '', 'abc', '1'.repeat(16)];
    expect(refused.map(parseDecimalInt)).toEqual(refused.map(() => null));
  });
});

describe('isWholeNumberIn', () => {
  it('takes integers within the bounds, nothing else', () => {
    expect([1, 50, 100].every((n) => isWholeNumberIn(n, 1, 100))).toBe(true);
    expect([0, 101, 2.5, NaN, '10', null].some((n) => isWholeNumberIn(n, 1, 100))).toBe(false);
  });
});
