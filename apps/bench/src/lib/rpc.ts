import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/**
 * Request/response over the IPC channel of a forked child (the load generator, the relay,
 * the bcrypt ceiling). Each child is TypeScript run by ts-node, like the harness itself.
 */
export type Handlers<C> = {
  [K in keyof C]: C[K] extends { args: infer A; result: infer R } ? (args: A) => Promise<R> : never;
};

type Args<C, K extends keyof C> = C[K] extends { args: infer A } ? A : never;
type Result<C, K extends keyof C> = C[K] extends { result: infer R } ? R : never;

interface RpcRequest {
  rpc: 'request';
  id: number;
  name: string;
  args: unknown;
}

type RpcResponse =
  | { rpc: 'response'; id: number; ok: true; result: unknown }
  | { rpc: 'response'; id: number; ok: false; error: string };

const isRequest = (message: unknown): message is RpcRequest =>
  typeof message === 'object' && message !== null && (message as RpcRequest).rpc === 'request';

const isResponse = (message: unknown): message is RpcResponse =>
  typeof message === 'object' && message !== null && (message as RpcResponse).rpc === 'response';

export class ChildRpc<C> {
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private exited: string | null = null;

  private constructor(readonly child: ChildProcess) {
    child.on('message', (message: unknown) => {
      if (!isResponse(message)) return;
      const call = this.pending.get(message.id);
      if (!call) return;
      this.pending.delete(message.id);
      if (message.ok) call.resolve(message.result);
      else call.reject(new Error(message.error));
    });
    child.once('exit', (code, signal) => {
      this.exited = `exited (code ${code}, signal ${signal})`;
      for (const call of this.pending.values()) call.reject(new Error(`child ${this.exited}`));
      this.pending.clear();
    });
  }

  /** Forks `src/<entry>.ts` of this project with the harness's own ts-node set-up. */
  static start<C>(entry: string, options: { execArgv?: string[]; name: string }): ChildRpc<C> {
    return ChildRpc.startJs<C>(join(__dirname, '..', `${entry}.ts`), {
      name: options.name,
      execArgv: [
        ...(options.execArgv ?? []),
        '-r',
        'ts-node/register',
        '-r',
        'tsconfig-paths/register',
      ],
    });
  }

  /** Forks a file as it is (plain JavaScript unless execArgv loads ts-node). */
  static startJs<C>(file: string, options: { execArgv?: string[]; name: string }): ChildRpc<C> {
    const child = fork(file, [], {
      execArgv: options.execArgv ?? [],
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', BENCH_CHILD: options.name },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    return new ChildRpc<C>(child);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  call<K extends keyof C & string>(name: K, args: Args<C, K>, timeoutMs = 120_000) {
    if (this.exited) return Promise.reject(new Error(`child ${this.exited}`));
    const id = ++this.nextId;
    return new Promise<Result<C, K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${name} did not answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as Result<C, K>);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      const request: RpcRequest = { rpc: 'request', id, name, args };
      this.child.send(request);
    });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  }
}

/** The child's side: answers each request with its handler; exits when the parent goes. */
export function serveRpc<C>(handlers: Handlers<C>): void {
  const table = handlers as unknown as Record<string, (args: unknown) => Promise<unknown>>;
  process.on('message', (message: unknown) => {
    if (!isRequest(message)) return;
    const handler = table[message.name];
    const reply = (response: RpcResponse) => process.send?.(response);
    if (!handler) {
      reply({ rpc: 'response', id: message.id, ok: false, error: `no ${message.name}` });
      return;
    }
    handler(message.args).then(
      (result) => reply({ rpc: 'response', id: message.id, ok: true, result }),
      (error: unknown) =>
        reply({
          rpc: 'response',
          id: message.id,
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
