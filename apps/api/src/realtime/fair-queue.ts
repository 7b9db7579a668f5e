import { Logger } from '@nestjs/common';

/**
 * Runs queued work one task per key (per socket) per turn of the event loop, yielding to I/O
 * between turns: a client that sends hundreds of packets at once waits behind its own
 * packets, not in front of everyone else's.
 */
export class FairQueue {
  private readonly logger = new Logger(FairQueue.name);
  private readonly queues = new Map<string, (() => unknown)[]>();
  private scheduled = false;

  push(key: string, task: () => unknown): void {
    const queue = this.queues.get(key);
    if (queue) queue.push(task);
    else this.queues.set(key, [task]);
    this.schedule();
  }

  /** Drops what a key still has queued (its socket is gone); returns how many tasks. */
  forget(key: string): number {
    const dropped = this.queues.get(key)?.length ?? 0;
    this.queues.delete(key);
    return dropped;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.turn());
  }

  private turn(): void {
    this.scheduled = false;
    for (const [key, queue] of [...this.queues]) {
      const task = queue.shift();
      if (queue.length === 0) this.queues.delete(key);
      try {
        task?.();
      } catch (error) {
        // One failing task must not stall every socket's queue behind it.
        this.logger.error(error instanceof Error ? (error.stack ?? error.message) : error);
      }
    }
    if (this.queues.size > 0) this.schedule();
  }
}
