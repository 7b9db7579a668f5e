import WebSocket from 'ws';
import type { CpuProfile } from './profile';

interface CdpResponse {
  id?: number;
  result?: unknown;
  error?: { message: string };
}

/**
 * A minimal Chrome DevTools Protocol client for the API process (started with
 * NODE_OPTIONS=--inspect=127.0.0.1:<port>): CPU profiles of a workload, a full GC before a
 * memory reading, and an event-loop delay histogram read from inside the process.
 */
export class Inspector {
  private nextId = 0;
  private readonly pending = new Map<number, (response: CdpResponse) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => {
      const response = JSON.parse(data.toString()) as CdpResponse;
      if (response.id === undefined) return;
      this.pending.get(response.id)?.(response);
      this.pending.delete(response.id);
    });
  }

  static async connect(port: number): Promise<Inspector> {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
      webSocketDebuggerUrl: string;
    }[];
    const url = targets[0]?.webSocketDebuggerUrl;
    if (!url) throw new Error(`no inspector target on port ${port}`);
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const inspector = new Inspector(ws);
    await inspector.send('Profiler.enable');
    return inspector;
  }

  send<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer from the inspector`));
      }, 60_000);
      this.pending.set(id, (response) => {
        clearTimeout(timer);
        if (response.error) reject(new Error(`${method}: ${response.error.message}`));
        else resolve(response.result as T);
      });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  async startProfile(intervalUs = 1000): Promise<void> {
    await this.send('Profiler.setSamplingInterval', { interval: intervalUs });
    await this.send('Profiler.start');
  }

  async stopProfile(): Promise<CpuProfile> {
    return (await this.send<{ profile: CpuProfile }>('Profiler.stop')).profile;
  }

  async collectGarbage(): Promise<void> {
    await this.send('HeapProfiler.collectGarbage');
  }

  async evaluate<T>(expression: string): Promise<T> {
    const answer = await this.send<{
      result: { value?: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    }>('Runtime.evaluate', { expression, returnByValue: true });
    if (answer.exceptionDetails) {
      const { text, exception } = answer.exceptionDetails;
      throw new Error(`evaluate: ${exception?.description ?? text}`);
    }
    return answer.result.value as T;
  }

  /** Starts (or restarts) an event-loop delay histogram inside the process. */
  async startLoopDelay(): Promise<void> {
    await this.evaluate(`(() => {
      const h = globalThis.__benchLoopDelay ??
        (globalThis.__benchLoopDelay = process.getBuiltinModule('node:perf_hooks')
          .monitorEventLoopDelay({ resolution: 1 }));
      h.disable(); h.reset(); h.enable(); return true;
    })()`);
  }

  /** The event-loop delay since startLoopDelay, in ms (resolution 1 ms). */
  async readLoopDelay(): Promise<{ p50: number; p99: number; max: number; mean: number }> {
    return this.evaluate(`(() => {
      const h = globalThis.__benchLoopDelay; h.disable();
      const ms = (ns) => Math.round(ns / 1e3) / 1e3;
      return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max),
               mean: ms(h.mean) };
    })()`);
  }

  close(): void {
    this.ws.close();
  }
}
