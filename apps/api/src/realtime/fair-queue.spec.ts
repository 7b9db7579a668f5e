import { Logger } from '@nestjs/common';
import { sleep, waitFor } from '@chat/test-harness';
import { FairQueue } from './fair-queue';

/** Waits for the queue's turns (setImmediate each) rather than for a fixed time. */
const until = (what: string, done: () => boolean) => waitFor(what, done, 2000, 10);

describe('FairQueue', () => {
  it('serves each key in turn, so one with many tasks does not hold up another', async () => {
    const queue = new FairQueue();
    const ran: string[] = [];
    for (let i = 0; i < 5; i++) queue.push('flood', () => ran.push(`flood${i}`));
    queue.push('calm', () => ran.push('calm'));
    await until('all six tasks', () => ran.length === 6);
    expect(ran.indexOf('calm')).toBeLessThanOrEqual(1);
    expect(ran.filter((r) => r.startsWith('flood'))).toEqual([
      'flood0',
      'flood1',
      'flood2',
      'flood3',
      'flood4',
    ]);
  });

  it('keeps serving the other keys when a task throws', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const queue = new FairQueue();
    const ran: string[] = [];
    queue.push('broken', () => {
      throw new Error('boom');
    });
    queue.push('broken', () => ran.push('broken, second'));
    queue.push('calm', () => ran.push('calm'));
    await until('both good tasks', () => ran.length === 2);
    expect(ran).toEqual(['calm', 'broken, second']);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('boom'));
    logged.mockRestore();
  });

  it('drops the tasks of a forgotten key', async () => {
    const queue = new FairQueue();
    const ran: string[] = [];
    queue.push('gone', () => ran.push('gone'));
    queue.forget('gone');
    await sleep(10);
    expect(ran).toEqual([]);
  });
});
