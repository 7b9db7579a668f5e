import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildServer } from './child-server';
import { freePort } from './ports';
import { sleep } from './timing';

const READY_TIMEOUT_MS = 15_000;

/**
 * A Redis server of the test's own on a free loopback port, without persistence, that a test
 * may stop, kill and start again on the same port. Binary: REDIS_SERVER_BIN or `redis-server`.
 */
export class RedisServer {
  readonly url: string;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly server: ChildServer,
  ) {
    this.url = `redis://127.0.0.1:${port}`;
  }

  static async start(name: string): Promise<RedisServer> {
    const dir = await mkdtemp(join(tmpdir(), `chat-redis-${name.replace(/\W/g, '_')}-`));
    const port = await freePort();
    const server = new ChildServer({
      command: process.env['REDIS_SERVER_BIN'] || 'redis-server',
      args: [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      logFile: join(dir, 'redis.log'),
    });
    const redis = new RedisServer(port, dir, server);
    try {
      await redis.start();
    } catch (error) {
      await redis.destroy();
      throw error;
    }
    return redis;
  }

  get pid(): number | undefined {
    return this.server.pid;
  }

  get running(): boolean {
    return this.server.running;
  }

  /** Starts the server (again, on the same port) and waits until it answers PING. */
  async start(): Promise<void> {
    this.server.spawn();
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.server.exitDescription()) break;
      if (await this.ping()) return;
      await sleep(50);
    }
    const why = this.server.exitDescription() ?? `no PONG within ${READY_TIMEOUT_MS / 1000} s`;
    throw new Error(`redis-server ${why}\n--- its output ---\n${this.server.output()}`);
  }

  /** SIGTERM: Redis closes its clients and exits (nothing to save). */
  async stop(): Promise<void> {
    await this.server.signalAndWait('SIGTERM');
  }

  /** SIGKILL, as a crash would. */
  async kill(): Promise<void> {
    await this.server.signalAndWait('SIGKILL');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** True when the server answers PING with PONG within a second. */
  ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: this.port });
      let answer = '';
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(1_000, () => done(false));
      socket.on('error', () => done(false));
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (chunk) => {
        answer += chunk.toString();
        if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
      });
    });
  }

  async destroy(): Promise<void> {
    await this.stop();
    await this.server.closeLog();
    await rm(this.dir, { recursive: true, force: true });
  }
}
