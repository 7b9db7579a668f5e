import { PresenceBatch, type PresenceChange } from './presence-batch';

describe('PresenceBatch', () => {
  let flushed: PresenceChange[][];
  let batch: PresenceBatch;

  beforeEach(() => {
    jest.useFakeTimers();
    flushed = [];
    batch = new PresenceBatch(250, (changes) => flushed.push(changes));
  });
  afterEach(() => {
    batch.stop();
    jest.useRealTimers();
  });

  it('sends the changes of an interval together, once, after the interval', () => {
    batch.add('a', true);
    jest.advanceTimersByTime(100);
    batch.add('b', true);
    jest.advanceTimersByTime(149);
    expect(flushed).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(flushed).toEqual([
      [
        { userId: 'a', online: true, rooms: [] },
        { userId: 'b', online: true, rooms: [] },
      ],
    ]);
    jest.advanceTimersByTime(1000);
    expect(flushed).toHaveLength(1);
  });

  it('drops a user who flipped back within the interval, and keeps the latest of others', () => {
    batch.add('a', true);
    batch.add('b', false);
    batch.add('a', false);
    batch.add('c', true);
    batch.add('c', false);
    batch.add('c', true);
    jest.advanceTimersByTime(250);
    expect(flushed).toEqual([
      [
        { userId: 'b', online: false, rooms: [] },
        { userId: 'c', online: true, rooms: [] },
      ],
    ]);
  });

  it('sends nothing when every change cancelled out', () => {
    batch.add('a', true);
    batch.add('a', false);
    jest.advanceTimersByTime(1000);
    expect(flushed).toEqual([]);
  });

  it('starts a new interval with the next change', () => {
    batch.add('a', true);
    jest.advanceTimersByTime(250);
    batch.add('a', false);
    jest.advanceTimersByTime(250);
    expect(flushed).toEqual([
      [{ userId: 'a', online: true, rooms: [] }],
      [{ userId: 'a', online: false, rooms: [] }],
    ]);
  });
});
