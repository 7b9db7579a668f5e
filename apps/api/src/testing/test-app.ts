import { randomBytes, randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { AuthResult, PresenceMode } from '@chat/shared-types';
import {
  connectSession,
  handshakeError,
  LocalPostgres,
  openChatSocket,
  SOCKET_TIMEOUT_MS,
  type ChatSocket,
} from '@chat/test-harness';
import { AuthService } from '../auth/auth.service';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { configureApp } from '../app.setup';
import { settings } from '../config/configuration';
import type { TcpProxy } from './tcp-proxy';

type Token<T> = abstract new (...args: never[]) => T;

interface Running {
  app: NestExpressApplication;
  url: string;
  database: string;
}

/**
 * The whole API module on a fresh database of its own, configured as main.ts configures it
 * (configureApp) and listening on a free port: specs of services and of the gateway use the
 * real SQL, the real Socket.IO server and real clients.
 */
export class TestApp {
  /** The PostgreSQL server the spec databases are made on (see global-setup.ts). */
  static postgresServer(): URL {
    return new URL(
      process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    );
  }

  /**
   * One TestApp for the calling spec file: started before its tests, stopped after them.
   * `proxy`: reach the database through it (started by then), so a spec can cut the connection.
   */
  static forSpec(options: { proxy?: TcpProxy } = {}): TestApp {
    const t = new TestApp();
    beforeAll(() => t.start(options));
    afterAll(() => t.stop());
    return t;
  }

  private running: Running | null = null;
  private readonly sockets: ChatSocket[] = [];

  private constructor() {
    // Made by forSpec only, which ties its start and stop to the spec file's hooks.
  }

  get app(): NestExpressApplication {
    return this.started().app;
  }

  get url(): string {
    return this.started().url;
  }

  private async start(options: { proxy?: TcpProxy }): Promise<void> {
    const server = LocalPostgres.at(TestApp.postgresServer().toString());
    const { name: database, url } = await server.createDatabase('chat_spec');
    const databaseUrl = new URL(url);
    if (options.proxy) databaseUrl.port = String(options.proxy.port);
    Object.assign(process.env, {
      DATABASE_URL: databaseUrl.toString(),
      JWT_SECRET: randomBytes(32).toString('hex'),
      NODE_ENV: 'test',
      WEB_DIR: '/nonexistent',
      PRESENCE_GRACE_MS: '300',
      PRESENCE_BATCH_MS: '100',
    });
    // Validated once per module registry (each spec file has its own), on first use.
    const config = settings();
    if (config.database.url !== databaseUrl.toString()) {
      throw new Error('one TestApp per spec file: the settings were validated for another one');
    }
    const { AppModule } = await import('../app.module');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    // As main.ts creates it: configureApp adds the JSON body parser with its limit.
    const app = moduleRef.createNestApplication<NestExpressApplication>({
      logger: ['error'],
      bodyParser: false,
    });
    configureApp(app, config.app);
    await app.listen(0, '127.0.0.1');
    this.running = { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1'), database };
  }

  private started(): Running {
    if (!this.running) throw new Error('the TestApp is used before its beforeAll started it');
    return this.running;
  }

  get<T>(token: Token<T>): T {
    return this.app.get(token);
  }

  /**
   * `token`'s instance in the app, looked up at each use: a spec file takes it at the top,
   * before the app has started.
   */
  service<T extends object>(token: Token<T>): T {
    return new Proxy({} as T, {
      get: (_target, key) => {
        const instance = this.get(token);
        const value: unknown = Reflect.get(instance, key);
        return typeof value === 'function'
          ? (value as (...args: unknown[]) => unknown).bind(instance)
          : value;
      },
    });
  }

  async register(name = 'user'): Promise<AuthResult & { auth: AuthenticatedUser }> {
    const login = `${name}_${randomUUID().slice(0, 8)}`.toLowerCase();
    const service = this.get(AuthService);
    // One address per account: the registrations-per-address limit is not under test here.
    const [a = 0, b = 0] = randomBytes(2);
    const result = await service.register(
      { login, fullName: name, password: 'password123' },
      `10.7.${a}.${b}`,
    );
    return { ...result, auth: await service.authenticate(result.accessToken) };
  }

  /** A socket that is connected and in its rooms (the server sent `session`); closed at stop. */
  async connect(token: string, presence?: PresenceMode): Promise<ChatSocket> {
    const { socket } = await connectSession(this.url, token, SOCKET_TIMEOUT_MS, presence);
    this.sockets.push(socket);
    return socket;
  }

  /** The `connect_error` a handshake with this token (and presence mode) fails with. */
  handshakeError(token: string, presence?: string): Promise<Error> {
    const socket = openChatSocket(this.url, token, presence);
    this.sockets.push(socket);
    return handshakeError(socket);
  }

  private async stop(): Promise<void> {
    this.sockets.forEach((s) => s.close());
    const running = this.running;
    this.running = null;
    if (!running) return;
    await running.app.close();
    await LocalPostgres.at(TestApp.postgresServer().toString()).dropDatabase(running.database);
  }
}
