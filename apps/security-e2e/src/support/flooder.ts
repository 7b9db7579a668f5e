import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { SecurityApi } from './api';

const WORKSPACE_ROOT = resolve(__dirname, '../../../..');

/**
 * The flooding client runs in a process of its own, so that answering its hundreds of acks
 * does not slow the test process that measures the other user's latency.
 */
const FLOODER = `
const { io } = require('socket.io-client');
const { randomUUID } = require('node:crypto');
const [url, token, chatId, count] = process.argv.slice(1);
const socket = io(url, { transports: ['websocket'], auth: { token }, forceNew: true, reconnection: false });
socket.on('connect_error', (error) => { console.log(JSON.stringify({ error: error.message })); process.exit(1); });
socket.on('session', () => {
  console.log('ready');
  process.stdin.once('data', () => {
    const started = Date.now();
    const outcomes = {};
    let answered = 0;
    for (let i = 0; i < Number(count); i++) {
      socket.emit('message:send', { chatId, content: 'flood ' + i, clientId: randomUUID() }, (ack) => {
        const key = ack.ok ? 'ack ok' : 'ack ' + ack.error.code;
        outcomes[key] = (outcomes[key] || 0) + 1;
        if (++answered === Number(count)) {
          console.log(JSON.stringify({ ms: Date.now() - started, outcomes }));
          process.exit(0);
        }
      });
    }
  });
});
setTimeout(() => { console.log(JSON.stringify({ error: 'timeout' })); process.exit(1); }, 30000);
`;

export interface FloodResult {
  /** From the first emit to the last ack, as the flooder saw it. */
  ms: number;
  /** `ack ok` / `ack rate_limited` → count. */
  outcomes: Record<string, number>;
}

/** A connected flooder; `fire()` emits `count` message:send at once and resolves with the acks. */
export async function startFlooder(
  api: SecurityApi,
  token: string,
  chatId: string,
  count: number,
): Promise<{ fire: () => Promise<FloodResult> }> {
  api.remember(token);
  const child = spawn(
    process.execPath,
    ['-e', FLOODER, api.baseUrl, token, chatId, String(count)],
    {
      cwd: WORKSPACE_ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts.filter(Boolean));
    for (const wake of waiters.splice(0)) wake();
  });
  child.on('exit', () => {
    for (const wake of waiters.splice(0)) wake();
  });
  const nextLine = async (): Promise<string> => {
    while (lines.length === 0) {
      if (child.exitCode !== null) throw new Error(`the flooder exited (${child.exitCode})`);
      await new Promise<void>((wake) => waiters.push(wake));
    }
    return lines.shift() ?? '';
  };
  const ready = await nextLine();
  if (ready !== 'ready') throw new Error(`the flooder could not connect: ${ready}`);
  return {
    fire: async () => {
      child.stdin.write('go\n');
      const result = JSON.parse(await nextLine()) as FloodResult & { error?: string };
      if (result.error) throw new Error(`the flooder failed: ${result.error}`);
      return result;
    },
  };
}
