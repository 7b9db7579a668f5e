import { randomBytes } from 'node:crypto';
import type { TestDatabase } from './postgres';
import { RedisServer } from './redis-server';
import { startTestApi, type TestApiRun } from './test-api';

export interface TestInstancesOptions {
  /** Names the Redis server, a fresh database and each instance's log (`<name>-0`, …). */
  name: string;
  count: number;
  /** A Redis server of their own (REDIS_URL), through which the instances reach each other. */
  redis: boolean;
  /** Extra environment for every instance (limits, ...). */
  env?: Record<string, string>;
  /** The database they share; by default a fresh one, which the first instance makes and drops. */
  database?: TestDatabase;
}

export interface TestInstances {
  /** In the order they were started. */
  runs: TestApiRun[];
  redis: RedisServer | null;
  /** Stops every instance, whatever became of the others, the first last; then Redis. */
  close(): Promise<void>;
}

/**
 * `count` instances of the built API as one deployment: one database, one JWT secret and, with
 * `redis`, one Redis server of their own. If one does not start, what did is stopped.
 */
export async function startTestInstances(options: TestInstancesOptions): Promise<TestInstances> {
  const redis = options.redis ? await RedisServer.start(options.name) : null;
  const env = {
    JWT_SECRET: randomBytes(32).toString('hex'),
    ...options.env,
    ...(redis ? { REDIS_URL: redis.url } : {}),
  };
  const runs: TestApiRun[] = [];
  const close = async () => {
    // The first instance drops a database it made: the others stop before it.
    for (const stopping of [runs.slice(1), runs.slice(0, 1)]) {
      await Promise.allSettled(stopping.map((run) => run.cleanUp()));
    }
    await redis?.destroy();
  };
  try {
    for (let i = 0; i < options.count; i++) {
      const database = options.database ?? runs[0]?.database ?? undefined;
      const run = await startTestApi({ name: `${options.name}-${i}`, env, database });
      runs.push(run);
      if (options.count > 1 && !run.database) {
        throw new Error(
          'instances need the local PostgreSQL to share a database (not the embedded one)',
        );
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { runs, redis, close };
}
