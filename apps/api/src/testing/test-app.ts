import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AuthResult, PresenceMode } from '@chat/shared-types';
import { Client } from 'pg';
import { io, type Socket } from 'socket.io-client';
import { AuthService } from '../auth/auth.service';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { createValidationPipe } from '../common/validation';
import { ChatIoAdapter } from '../realtime/chat-io.adapter';
import type { TcpProxy } from './tcp-proxy';

/**
 * The whole API module on a fresh database of its own, listening on a free port: specs of
 * services and of the gateway use the real SQL, the real Socket.IO server and real clients.
 */
export class TestApp {
  static postgresServer(): URL {
    return new URL(
      process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    );
  }

  private constructor(
    readonly app: INestApplication,
    readonly url: string,
    private readonly database: string,
    private readonly sockets: Socket[] = [],
  ) {}

  /** `proxy`: reach the database through it, so a spec can cut the connection. */
  static async start(options: { proxy?: TcpProxy } = {}): Promise<TestApp> {
    const database = `chat_spec_${randomBytes(6).toString('hex')}`;
    const server = TestApp.postgresServer();
    await admin(server.toString(), `CREATE DATABASE ${database}`);
    const databaseUrl = new URL(server);
    databaseUrl.pathname = `/${database}`;
    if (options.proxy) databaseUrl.port = String(options.proxy.port);
    Object.assign(process.env, {
      DATABASE_URL: databaseUrl.toString(),
      JWT_SECRET: randomBytes(32).toString('hex'),
      NODE_ENV: 'test',
      WEB_DIR: '/nonexistent',
      PRESENCE_GRACE_MS: '300',
      PRESENCE_BATCH_MS: '100',
    });
    // Imported late: configuration is read when the module is first loaded.
    const { AppModule } = await import('../app.module');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: ['error'] });
    app.setGlobalPrefix('api');
    app.useGlobalPipes(createValidationPipe());
    app.useWebSocketAdapter(new ChatIoAdapter(app, [], 64 * 1024));
    await app.listen(0, '127.0.0.1');
    return new TestApp(app, await app.getUrl(), database);
  }

  get<T>(token: new (...args: never[]) => T): T {
    return this.app.get(token);
  }

  async register(name = 'user'): Promise<AuthResult & { auth: AuthenticatedUser }> {
    const login = `${name}_${randomUUID().slice(0, 8)}`.toLowerCase();
    const service = this.get(AuthService);
    // One address per account: the registrations-per-address limit is not under test here.
    const address = `10.7.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
    const result = await service.register(
      { login, fullName: name, password: 'password123' },
      address,
    );
    return { ...result, auth: await service.authenticate(result.accessToken) };
  }

  async connect(token: string, presence?: PresenceMode): Promise<Socket> {
    const socket = io(this.url.replace('[::1]', '127.0.0.1'), {
      auth: { token, presence },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    this.sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('session', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  }

  async stop(): Promise<void> {
    this.sockets.forEach((s) => s.close());
    await this.app.close();
    await admin(
      TestApp.postgresServer().toString(),
      `DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`,
    );
  }
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The next `event` on `socket`, or a rejection after `ms`. */
export function nextEvent<T>(socket: Socket, event: string, ms = 2000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/** Resolves true if `event` arrives within `ms`, false otherwise. */
export function receives(socket: Socket, event: string, ms = 300): Promise<boolean> {
  return nextEvent(socket, event, ms).then(
    () => true,
    () => false,
  );
}
