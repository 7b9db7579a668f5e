import { sleep } from '@chat/test-harness';
import { Batcher } from './batcher';

describe('Batcher', () => {
  it('sends the first key at once and the keys asked for meanwhile together', async () => {
    const calls: string[][] = [];
    const batcher = new Batcher<string, number>(async (keys) => {
      calls.push(keys);
      await sleep(10);
      return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, k.length]));
    });
    const first = batcher.load('a');
    const rest = [
      batcher.load('bb'),
      batcher.load('ccc'),
      batcher.load('bb'),
      batcher.load('missing'),
    ];
    expect(await first).toBe(1);
    expect(await Promise.all(rest)).toEqual([2, 3, 2, undefined]);
    expect(calls).toEqual([['a'], ['bb', 'ccc', 'missing']]);
  });

  it('fails the whole batch when the query fails, and serves the next one', async () => {
    let fail = true;
    const calls: string[][] = [];
    const batcher = new Batcher<string, string>(async (keys) => {
      calls.push(keys);
      await sleep(10);
      if (fail) throw new Error('database down');
      return new Map(keys.map((k) => [k, k.toUpperCase()]));
    });
    // 'a' goes at once; 'b' and 'c' wait for it and then share one failing batch.
    const outcomes = await Promise.allSettled(['a', 'b', 'c'].map((k) => batcher.load(k)));
    expect(calls).toEqual([['a'], ['b', 'c']]);
    expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : o.value))).toEqual([
      'Error: database down',
      'Error: database down',
      'Error: database down',
    ]);
    fail = false;
    await expect(batcher.load('d')).resolves.toBe('D');
  });

  it('splits a burst into batches of at most maxBatch keys', async () => {
    const sizes: number[] = [];
    const batcher = new Batcher<number, number>(async (keys) => {
      sizes.push(keys.length);
      return new Map(keys.map((k) => [k, k]));
    }, 3);
    await Promise.all(Array.from({ length: 8 }, (_, i) => batcher.load(i)));
    expect(sizes).toEqual([1, 3, 3, 1]);
  });
});
