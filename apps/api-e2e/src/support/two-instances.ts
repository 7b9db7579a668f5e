import type { PresenceMode } from '@chat/shared-types';
import {
  connectSession,
  startTestInstances,
  type ChatSocket,
  type TestApiRun,
  type TestInstances,
  type TestUser,
} from '@chat/test-harness';
import { registerUser } from './users';

/** Two APIs on two shared cores: a handshake may wait behind the other instance's work. */
const SESSION_TIMEOUT_MS = 5_000;

/**
 * Two instances of the built API as one deployment, for one spec file: a database, a Redis and
 * a JWT secret of their own (`env` on both too), started before its tests and stopped after
 * them, with the sockets connected through `connect`.
 */
export class TwoInstances {
  /** `name`: the Redis server's, the database's and the logs' (`<name>-0`, `<name>-1`). */
  static forSpec(name: string, env: Record<string, string> = {}): TwoInstances {
    const pair = new TwoInstances();
    beforeAll(async () => {
      pair.instances = await startTestInstances({ name, count: 2, redis: true, env });
    }, 120_000);
    afterAll(() => pair.stop(), 60_000);
    return pair;
  }

  private instances: TestInstances | null = null;
  private readonly sockets: ChatSocket[] = [];

  private constructor() {
    // Made by forSpec only, which ties the start and the stop to the spec file's hooks.
  }

  /** A and B. */
  get runs(): [TestApiRun, TestApiRun] {
    const [a, b] = this.instances?.runs ?? [];
    if (!a || !b) throw new Error('the instances are used before their beforeAll started them');
    return [a, b];
  }

  /** Registers a new user (unique login) through `run`. */
  register(run: TestApiRun): Promise<TestUser> {
    return registerUser({}, run.api.baseUrl);
  }

  /** A socket of `user`'s on `run` once the server has sent `session`; closed at the stop. */
  async connect(run: TestApiRun, user: TestUser, presence?: PresenceMode): Promise<ChatSocket> {
    const { socket } = await connectSession(
      run.api.baseUrl,
      user.token,
      SESSION_TIMEOUT_MS,
      presence,
    );
    this.sockets.push(socket);
    return socket;
  }

  private async stop(): Promise<void> {
    this.sockets.forEach((socket) => socket.close());
    await this.instances?.close();
  }
}
