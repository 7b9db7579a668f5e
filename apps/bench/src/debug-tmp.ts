import { randomUUID } from 'node:crypto';
import { ChildRpc } from './lib/rpc';
import type { GeneratorCommands, RelayCommands } from './lib/protocol';
async function main() {
  const relay = ChildRpc.startJs<RelayCommands>('/work/main/dist/bench/relay/relay/relay.js', {
    name: 'relay',
    execArgv: ['--expose-gc'],
  });
  const gen = ChildRpc.start<GeneratorCommands>('load/generator', { name: 'generator' });
  const port = (await relay.call('port', {})).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const n = Number(process.argv[2] ?? 2000);
  const clients = Array.from({ length: n }, (_, i) => ({
    user: i,
    auth: { userId: randomUUID(), login: `u${i}`, fullName: `U ${i}`, rooms: ['all'] },
  }));
  let t = performance.now();
  const c = await gen.call('connect', {
    pool: 'p',
    baseUrl,
    clients,
    concurrency: 128,
    timeoutMs: 30000,
    deadlineMs: 60000,
  });
  console.log('connect', c.connected, c.wallMs, performance.now() - t);
  await gen.call('connect', {
    pool: 's',
    baseUrl,
    clients: [{ user: n, auth: { userId: randomUUID(), rooms: ['all'] } }],
    concurrency: 1,
    timeoutMs: 30000,
    deadlineMs: 60000,
  });
  if (process.argv[3] === 'w2') {
    for (const rate of [25, 50, 100]) {
      const r = await gen.call('w2Step', {
        pool: 'p',
        chatId: 'all',
        senders: 10,
        rate,
        durationMs: 2500,
        maxDrainMs: 3000,
        abortLateMs: 1500,
        phase: rate,
      });
      console.log(rate, r.latency, r.complete, r.acked, r.aborted);
    }
  }
  t = performance.now();
  const s = await gen.call(
    'storm',
    {
      pool: 'p',
      senderPool: 's',
      chatId: 'all',
      rate: 20,
      leadMs: 1000,
      tailMs: 1000,
      concurrency: 256,
      timeoutMs: 30000,
      historyLimit: 100,
      phase: 999,
    },
    120000,
  );
  console.log(
    'storm',
    s.back,
    s.sockets,
    s.allBackMs,
    s.perSocket,
    s.lost,
    s.lostWhere,
    s.reconnectErrors,
    performance.now() - t,
  );
  await gen.stop();
  await relay.stop();
}
main();
