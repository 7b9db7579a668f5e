import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ChildServer } from './child-server';
import { sleep } from './timing';

export const WORKSPACE_ROOT = resolve(__dirname, '../../../..');
export const API_ENTRY = join(WORKSPACE_ROOT, 'dist/apps/api/main.js');

const READY_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 15_000;

export interface ApiProcessOptions {
  port: number;
  /** The whole environment of the child (nothing is inherited implicitly). */
  env: NodeJS.ProcessEnv;
  /** Names the log file: <tmp>/chat-<name>-<pid>-<port>.log */
  name: string;
}

/** The built API as a child process: started, stopped, killed and started again on one port. */
export class ApiProcess {
  readonly baseUrl: string;
  readonly logFile: string;
  private readonly server: ChildServer;
  private lastPid: number | undefined;
  private expectedExit = false;
  /** Called when the process exits without stop() or kill() having asked it to. */
  onUnexpectedExit: (description: string) => void = () => undefined;

  constructor(readonly options: ApiProcessOptions) {
    this.baseUrl = `http://127.0.0.1:${options.port}`;
    this.logFile = join(tmpdir(), `chat-${options.name}-${process.pid}-${options.port}.log`);
    this.server = new ChildServer({
      command: process.execPath,
      args: [API_ENTRY],
      logFile: this.logFile,
      spawnOptions: { cwd: WORKSPACE_ROOT, env: options.env },
      exitTimeoutMs: EXIT_TIMEOUT_MS,
    });
  }

  /** The pid of the process last started (kept after it exits, to compare across restarts). */
  get pid(): number | undefined {
    return this.lastPid;
  }

  get running(): boolean {
    return this.server.running;
  }

  /** How the last run ended (`exited (code 0, signal null)`), or null while it runs. */
  exitDescription(): string | null {
    return this.server.exitDescription();
  }

  /** The last part of what the API printed, for failure messages. */
  output(): string {
    return this.server.output();
  }

  /** Starts the API and waits until GET /api/health answers 200. */
  async start(): Promise<void> {
    if (!existsSync(API_ENTRY)) {
      throw new Error(`${API_ENTRY} is missing: build the API first (npx nx build api)`);
    }
    if (this.running) throw new Error('the API is already running');
    this.expectedExit = false;
    const child = this.server.spawn();
    this.lastPid = child.pid;
    child.once('exit', (code, signal) => {
      if (!this.expectedExit) {
        this.onUnexpectedExit(
          `the API exited (code ${code}, signal ${signal}); see ${this.logFile}`,
        );
      }
    });
    try {
      await this.waitUntilHealthy();
    } catch (error) {
      await this.kill();
      throw new Error(
        `${(error as Error).message}\n--- API output (full log: ${this.logFile}) ---\n${this.output()}`,
      );
    }
  }

  /** SIGTERM, as a deployment would; SIGKILL if it does not exit in time. */
  async stop(): Promise<void> {
    await this.terminate('SIGTERM');
  }

  /** SIGKILL, as a crash would. */
  async kill(): Promise<void> {
    await this.terminate('SIGKILL');
  }

  async close(): Promise<void> {
    await this.stop();
    await this.server.closeLog();
  }

  private async terminate(signal: NodeJS.Signals): Promise<void> {
    if (!this.running) return;
    this.expectedExit = true;
    await this.server.signalAndWait(signal);
  }

  private async waitUntilHealthy(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let lastProblem = 'no answer yet';
    while (Date.now() < deadline) {
      const exited = this.server.exitDescription();
      if (exited) throw new Error(`the API ${exited} early`);
      try {
        const res = await fetch(`${this.baseUrl}/api/health`, {
          signal: AbortSignal.timeout(2_000),
        });
        if (res.status === 200) return;
        lastProblem = `GET /api/health answered ${res.status}: ${await res.text()}`;
      } catch (error) {
        lastProblem = (error as Error).message;
      }
      await sleep(200);
    }
    throw new Error(`the API was not healthy within ${READY_TIMEOUT_MS / 1000} s (${lastProblem})`);
  }
}
