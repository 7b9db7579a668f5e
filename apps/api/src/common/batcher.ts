/**
 * Lookups by key that share queries: the first goes to the database at once, and the keys
 * asked for while a query is in flight go together in the next one (as the message writer
 * batches inserts). Under a burst (a reconnect storm's handshakes) that is a query per batch,
 * not per caller; a lone caller waits for nothing.
 */
export class Batcher<K, V> {
  private queue: {
    key: K;
    resolve: (value: V | undefined) => void;
    reject: (e: unknown) => void;
  }[] = [];
  private running = false;

  /** `fetch` answers the keys it found; a key it leaves out resolves to undefined. */
  constructor(
    private readonly fetch: (keys: K[]) => Promise<Map<K, V>>,
    private readonly maxBatch = 500,
  ) {}

  load(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ key, resolve, reject });
      if (!this.running) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const found = await this.fetch([...new Set(batch.map((b) => b.key))]);
        for (const { key, resolve } of batch) resolve(found.get(key));
      } catch (error) {
        for (const { reject } of batch) reject(error);
      }
    }
    this.running = false;
  }
}
