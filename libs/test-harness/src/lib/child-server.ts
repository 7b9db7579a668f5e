import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

const OUTPUT_TAIL_CHARS = 20_000;
const EXIT_TIMEOUT_MS = 30_000;

export interface ChildServerOptions {
  command: string;
  args: string[];
  /** Where stdout and stderr go, appended across restarts. */
  logFile: string;
  spawnOptions?: SpawnOptions;
  /** How long a signalled process may take to exit before SIGKILL (default 30 s). */
  exitTimeoutMs?: number;
}

/**
 * A server run as a child process that a test stops, kills and starts again: the part the
 * API, PostgreSQL and Redis helpers share. Readiness is the caller's business.
 */
export class ChildServer {
  private child: ChildProcess | null = null;
  private readonly log: WriteStream;
  private tail = '';
  private exitHookInstalled = false;

  constructor(private readonly options: ChildServerOptions) {
    this.log = createWriteStream(options.logFile, { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last part of what the server printed, for failure messages. */
  output(): string {
    return this.tail;
  }

  /** Why the process is gone, or null while it runs. */
  exitDescription(): string | null {
    const child = this.child;
    if (!child || this.running) return null;
    return `exited (code ${child.exitCode}, signal ${child.signalCode})`;
  }

  spawn(): ChildProcess {
    if (this.running) throw new Error(`${this.options.command} is already running`);
    const child = spawn(this.options.command, this.options.args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...this.options.spawnOptions,
    });
    this.child = child;
    const capture = (chunk: Buffer) => {
      this.log.write(chunk);
      this.tail = (this.tail + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    child.on('error', (error) => capture(Buffer.from(`spawn failed: ${error.message}\n`)));
    if (!this.exitHookInstalled) {
      this.exitHookInstalled = true;
      // Should the test runner itself exit first, do not leave the server behind.
      process.once('exit', () => {
        if (this.running) this.child?.kill('SIGKILL');
      });
    }
    return child;
  }

  /** Sends `signal` and waits for the exit; SIGKILL when it takes longer than exitTimeoutMs. */
  async signalAndWait(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(
      () => child.kill('SIGKILL'),
      this.options.exitTimeoutMs ?? EXIT_TIMEOUT_MS,
    );
    await exited;
    clearTimeout(timer);
  }

  async closeLog(): Promise<void> {
    await new Promise<void>((resolve) => this.log.end(() => resolve()));
  }
}
