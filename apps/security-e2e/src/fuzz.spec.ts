import { GLOBAL_CHAT_ID } from '@chat/shared-types';
import { itemAt } from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { useApi, type SecurityApi } from './support/api';
import { describeExchange, http } from './support/http';
import { itKeepsSecretsOutOfTheLog } from './support/log-check';
import { RawEngineSocket } from './support/raw-socket';
import { finishAll, Vector } from './support/report';
import {
  ackOutcome,
  closeSocket,
  connectSocket,
  emitAck,
  recordEvents,
  sleep,
  type AckResult,
} from './support/sockets';
import { openDirectChat, registerUser, type TestUser } from './support/users';

/** The run's seed: the same seed sends the same frames (set SECURITY_FUZZ_SEED to replay). */
const SEED = Number(process.env['SECURITY_FUZZ_SEED'] ?? Date.now() % 1_000_000);

/** mulberry32: a small seeded PRNG, so a failing run can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(SEED);
// In range, as 0 <= random() < 1 (and a picked value may be anything, undefined too).
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const int = (max: number) => Math.floor(random() * max);

const nestedArrays = (depth: number): unknown =>
  JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
const nestedObjects = (depth: number): unknown =>
  JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

/** Values no field expects. `__proto__` keys come from JSON.parse, as a socket would deliver them. */
function hostileValues(): unknown[] {
  return [
    null,
    true,
    false,
    0,
    -1,
    1.5,
    1e308,
    -1e308,
    2 ** 53 + 2,
    '',
    ' ',
    'x'.repeat(5_000),
    '\u0000',
    '\ud800',
    '\u202e',
    '9223372036854775808',
    '-1',
    '1e3',
    '0x10',
    '__proto__',
    'constructor',
    [],
    [1, 2, 3],
    ['all'],
    {},
    { $gt: '' },
    { toString: 'x' },
    JSON.parse('{"__proto__": {"polluted": "yes", "content": "POLLUTED", "chatId": "all"}}'),
    JSON.parse('{"constructor": {"prototype": {"polluted": "yes"}}}'),
    nestedArrays(200),
    nestedObjects(200),
    nestedArrays(1_000),
    nestedObjects(1_000),
    Buffer.from('binary attachment'),
    Buffer.alloc(2_048, 0xff),
  ];
}

const EVENTS = {
  'message:send': () => ({ chatId: GLOBAL_CHAT_ID, content: 'fuzz', clientId: randomUUID() }),
  'chat:history': () => ({ chatId: GLOBAL_CHAT_ID, limit: 5 }),
  'chat:read': () => ({ chatId: GLOBAL_CHAT_ID, upToId: '1' }),
  typing: () => ({ chatId: GLOBAL_CHAT_ID, isTyping: true }),
  'chat:create': () => ({ peerId: randomUUID() }),
} as const;
type ClientEvent = keyof typeof EVENTS;
const isClientEvent = (event: string) => Object.hasOwn(EVENTS, event);
const EVENT_NAMES = Object.keys(EVENTS) as ClientEvent[];

/** One malformed client event: a valid payload with one field (or the whole) made hostile. */
function malformedEvent(values: unknown[]): { event: string; args: unknown[] } {
  const roll = random();
  const event = pick(EVENT_NAMES);
  const valid: Record<string, unknown> = EVENTS[event]();
  if (roll < 0.55) {
    const field = pick([...Object.keys(valid), '__proto__', 'constructor', 'extra', 'senderId']);
    const payload = { ...valid };
    if (field === '__proto__') {
      return { event, args: [JSON.parse(`{"__proto__": ${JSON.stringify(valid)}}`)] };
    }
    payload[field] = pick(values);
    return { event, args: [payload] };
  }
  if (roll < 0.75) return { event, args: [pick(values)] };
  if (roll < 0.85) return { event, args: [valid, pick(values), pick(values)] };
  if (roll < 0.95) return { event, args: [] };
  const unknown = pick([
    'admin',
    'message:delete',
    'chat:join',
    'toString',
    'hasOwnProperty',
    'constructor',
    'x'.repeat(2_000),
    '',
  ]);
  return { event: unknown, args: [pick(values)] };
}

/** A raw engine.io/Socket.IO frame that no correct client sends. */
function malformedFrame(): { label: string; frame: string | Buffer } {
  const json = () => JSON.stringify(pick(['message:send', 'chat:history', 'typing', 'x']));
  const frames: [string, () => string | Buffer][] = [
    ['42 empty', () => '42'],
    ['42 broken JSON', () => '42['],
    ['42 object', () => '42{}'],
    ['42 string', () => '42"text"'],
    ['42 no event name', () => '42[]'],
    ['42 numeric name', () => '42[1]'],
    ['42 null name', () => '42[null]'],
    ['42 object name', () => '42[{}]'],
    ['42 unterminated', () => `42[${json()}`],
    ['42 __proto__ event', () => `42["__proto__",{"a":1}]`],
    ['42 constructor event', () => `42["constructor",{"prototype":{"a":1}}]`],
    ['42 reserved disconnect', () => `42["disconnect"]`],
    ['42 reserved newListener', () => `42["newListener","message:send"]`],
    ['42 20-40 digit ack id', () => `42${'9'.repeat(20 + int(20))}[${json()},{}]`],
    ['42 negative ack id', () => `42-1[${json()},{}]`],
    ['42 exponent ack id', () => `421e5[${json()},{}]`],
    ['42 foreign namespace', () => `42/admin,[${json()},{}]`],
    ['42 empty namespace', () => `42/,[${json()},{}]`],
    ['42 20000-deep arrays', () => `42${'['.repeat(20_000)}${']'.repeat(20_000)}`],
    [
      '42 10000-deep objects',
      () => `42[${json()},${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}]`,
    ],
    ['40 second connect', () => '40'],
    ['40 bad token', () => '40{"token":"x"}'],
    ['40 foreign namespace', () => '40/admin,{}'],
    ['41 disconnect', () => '41'],
    ['43 empty ack', () => '43[]'],
    ['43 forged ack', () => `43${int(1_000)}["fake ack"]`],
    ['44 forged connect_error', () => '44{"message":"fake"}'],
    ['45 no attachments', () => '45'],
    ['45 placeholder', () => `451-[${json()},{"_placeholder":true,"num":0}]`],
    ['45 placeholder out of range', () => `451-[${json()},{"_placeholder":true,"num":99}]`],
    ['45 missing attachment', () => `452-[${json()},{"_placeholder":true,"num":0}]`],
    ['45 11 attachments', () => `4511-[${json()},{"_placeholder":true,"num":0}]`],
    ['45 huge attachment count', () => `45999999999-[${json()}]`],
    ['46', () => '46'],
    ['47', () => '47'],
    ['4x', () => '4x'],
    ['4 alone', () => '4'],
    ['eio 0 open', () => '0'],
    ['eio 1 close', () => '1'],
    ['eio 2 ping', () => '2'],
    ['eio 3 pong', () => '3'],
    ['eio 3probe', () => '3probe'],
    ['eio 5 upgrade', () => '5'],
    ['eio 6 noop', () => '6'],
    ['eio 7', () => '7'],
    ['eio 9', () => '9'],
    ['empty frame', () => ''],
    ['space', () => ' '],
    ['NUL', () => '\u0000'],
    ['base64 b-prefix', () => 'b4aGVsbG8='],
    ['4 + up to 60 KB junk', () => `4${'A'.repeat(int(60_000))}`],
    ['binary invalid UTF-8', () => Buffer.from([0xff, 0xfe, 0xfd, int(256)])],
    ['binary random', () => Buffer.alloc(int(4_096), int(256))],
    ['binary text-as-binary', () => Buffer.from('42["message:send",{}]')],
    [
      'random UTF-16 text',
      () => Array.from({ length: 1 + int(200) }, () => String.fromCharCode(int(0xffff))).join(''),
    ],
  ];
  const [label, make] = pick(frames);
  return { label, frame: make() };
}

describe('Fuzzing: malformed frames', () => {
  const getApi = useApi('fuzz', { MESSAGE_RATE: '100000', MESSAGE_BURST: '100000' });
  let fuzzer: TestUser;
  let observer: TestUser;
  let fuzzSocket: Socket;
  let baselineKiB = 0;
  let peakKiB = 0;
  let sampler: NodeJS.Timeout | undefined;
  let crashes = 0;
  let healthChecks = 0;
  const acks = new Map<string, number>();
  let clientFrames = 0;
  let rawFrames = 0;
  let reconnects = 0;

  const sample = () => {
    const api = getApi();
    if (api.running) peakKiB = Math.max(peakKiB, api.rssKiB());
  };

  /** Between batches: the API still runs and answers its health check. */
  async function checkAlive(api: SecurityApi, vector: Vector, at: string): Promise<boolean> {
    healthChecks += 1;
    const healthy = await api.healthy();
    if (!api.running || !healthy) {
      crashes += 1;
      vector.crash(
        `after ${at}: running ${api.running}, healthy ${healthy}; ${api.unexpectedExits.join('; ')}`,
      );
      return false;
    }
    return true;
  }

  beforeAll(async () => {
    const api = getApi();
    fuzzer = await registerUser(api);
    observer = await registerUser(api);
    await openDirectChat(api, fuzzer, observer);
    // Warm up, so the baseline is the memory of an API that has served some traffic.
    const warm = await connectSocket(api, observer.token);
    for (let i = 0; i < 50; i++) {
      await emitAck(warm, 'message:send', [
        { chatId: GLOBAL_CHAT_ID, content: `warm ${i}`, clientId: randomUUID() },
      ]);
      await emitAck(warm, 'chat:history', [{ chatId: GLOBAL_CHAT_ID }]);
    }
    closeSocket(warm);
    await sleep(1_000);
    baselineKiB = api.rssKiB();
    peakKiB = baselineKiB;
    sampler = setInterval(sample, 250);
  });

  afterAll(() => clearInterval(sampler));

  it('survives malformed events from an authenticated socket.io-client', async () => {
    const api = getApi();
    const vector = new Vector(
      'Fuzzing',
      'socket.io-client events with hostile payloads: wrong types, huge numbers, 1000-deep nesting, __proto__/constructor keys, binary attachments, extra/missing args, unknown events',
      'a failed ack (or none for unknown events); no crash',
    );
    const values = hostileValues();
    const target = Number(process.env['SECURITY_FUZZ_EVENTS'] ?? 4_000);
    fuzzSocket = await connectSocket(api, fuzzer.token);
    while (clientFrames < target) {
      if (fuzzSocket.disconnected) {
        reconnects += 1;
        fuzzSocket = await connectSocket(api, fuzzer.token);
      }
      const batch = Array.from({ length: 50 }, () => malformedEvent(values));
      const results: AckResult[] = await Promise.all(
        batch.map(({ event, args }) =>
          isClientEvent(event)
            ? emitAck(fuzzSocket, event, args, 5_000)
            : (fuzzSocket.emit(event, ...args), Promise.resolve<AckResult>('timeout')),
        ),
      );
      for (const [i, result] of results.entries()) {
        clientFrames += 1;
        const { event, args } = itemAt(batch, i);
        const known = isClientEvent(event);
        const outcome = known ? ackOutcome(result) : 'unknown event (no ack expected)';
        vector.saw(outcome, typeof result !== 'string' && !result.ok);
        acks.set(outcome, (acks.get(outcome) ?? 0) + 1);
        if (known && result === 'timeout') {
          vector.problem(`no ack in 5 s for ${event} ${JSON.stringify(args).slice(0, 120)}`);
        }
      }
      if (clientFrames % 1_000 === 0 && !(await checkAlive(api, vector, `${clientFrames} events`)))
        break;
    }
    await checkAlive(api, vector, 'the socket.io-client fuzz');
    vector.figure = `${clientFrames} events, ${reconnects} reconnects, ${healthChecks} health checks`;
    vector.finish();
  }, 120_000);

  it('survives raw garbage engine.io/Socket.IO frames over a raw WebSocket, before and after auth', async () => {
    const api = getApi();
    const vector = new Vector(
      'Fuzzing',
      'raw WebSocket frames: broken Socket.IO packets (bad JSON, 20000-deep nesting, huge ack ids, foreign namespaces, reserved events, forged acks, bad binary attachments), unknown engine.io types, random text and bytes; half before the namespace handshake',
      'ignored or the connection closed; no crash',
    );
    const target = 6_500;
    let raw: RawEngineSocket | null = null;
    let closedByServer = 0;
    while (rawFrames < target) {
      if (!raw || !raw.open) {
        if (raw) closedByServer += 1;
        raw?.close();
        reconnects += 1;
        raw = await RawEngineSocket.open(api);
        // Half the connections authenticate first, half stay at the engine.io level.
        if (random() < 0.5) await raw.connectNamespace({ token: fuzzer.token });
      }
      const { label, frame } = malformedFrame();
      raw.send(frame);
      rawFrames += 1;
      vector.saw(label, false);
      if (rawFrames % 25 === 0) await sleep(1);
      if (rawFrames % 1_000 === 0 && !(await checkAlive(api, vector, `${rawFrames} raw frames`)))
        break;
    }
    raw?.close();
    await checkAlive(api, vector, 'the raw frame fuzz');
    vector.figure = `${rawFrames} frames, ${closedByServer} connections closed by the server, ${reconnects} reconnects in all`;
    vector.finish();
  }, 120_000);

  it('keeps serving normal users afterwards, with its memory back to its level', async () => {
    const api = getApi();
    clearInterval(sampler);
    const total = clientFrames + rawFrames;
    const survival = new Vector(
      'Fuzzing',
      `after ${total} malformed frames: health, login, a new socket sends and receives, history intact`,
      `${total} ≥ 10000 frames, 0 crashes, normal answers`,
    );
    survival.crashes = crashes;
    const check = (label: string, ok: boolean, problem: string) => {
      survival.saw(`${label} ${ok ? 'ok' : 'FAILED'}`, false);
      survival.require(ok, problem);
    };
    check('frame count', total >= 10_000, `only ${total} frames were sent`);
    check(
      'process',
      api.running && api.unexpectedExits.length === 0,
      `the API exited: ${api.unexpectedExits.join('; ')}`,
    );
    check('health', await api.healthy(), 'GET /api/health is not 200');
    const loggedIn = await http(api, '/api/auth/login', {
      json: { login: observer.login, password: observer.password },
    });
    check('login', loggedIn.status === 200, describeExchange('login after the fuzz', loggedIn));
    const socket = await connectSocket(api, observer.token);
    const heard = recordEvents(socket);
    const content = `after-fuzz-${randomUUID()}`;
    const sent = await emitAck(socket, 'message:send', [
      { chatId: GLOBAL_CHAT_ID, content, clientId: randomUUID() },
    ]);
    check(
      'send',
      typeof sent !== 'string' && sent.ok,
      `send after the fuzz → ${JSON.stringify(sent)}`,
    );
    await sleep(300);
    check(
      'receive',
      heard.some((e) => e.event === 'message:new' && JSON.stringify(e.args).includes(content)),
      'the new socket did not receive its own message',
    );
    const page = await http(api, `/api/chats/${GLOBAL_CHAT_ID}/messages?limit=100`, {
      token: observer.token,
    });
    check('history', page.status === 200, describeExchange('history after the fuzz', page));
    check(
      'no pollution',
      !page.text.includes('POLLUTED'),
      'a prototype-pollution payload was stored as a message',
    );
    survival.figure = `${clientFrames} client events + ${rawFrames} raw frames; acks: ${[
      ...acks.entries(),
    ]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ×${v}`)
      .join(', ')}`;

    const memory = new Vector(
      'Fuzzing',
      'API resident memory (VmRSS) before, at the peak of and 10 s after the fuzz',
      'back within 25 % (or 40 MiB) of the baseline',
    );
    const limitKiB = Math.max(baselineKiB * 1.25, baselineKiB + 40 * 1024);
    let afterKiB = api.rssKiB();
    for (let i = 0; i < 20 && afterKiB > limitKiB; i++) {
      await sleep(500);
      afterKiB = api.rssKiB();
    }
    const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
    memory.figure = `baseline ${mib(baselineKiB)}, peak ${mib(peakKiB)}, after ${mib(afterKiB)}`;
    memory.saw('RSS sampled every 250 ms', false);
    memory.require(
      afterKiB <= limitKiB,
      `RSS ${mib(afterKiB)} after the fuzz, baseline ${mib(baselineKiB)}`,
    );

    const internal = new Vector(
      'Fuzzing',
      'of the socket.io-client events above: answered as a server error (ack `unavailable`, logged as ERROR) rather than as invalid input',
      '0: every malformed input is a client error',
    );
    const unavailable = acks.get('ack unavailable') ?? 0;

    const log = await api.log();
    // Nest's console format says ERROR; pino's JSON lines (the API's log) say level 50 or 60.
    const isError = (line: string) => line.includes('ERROR') || /"level":(50|60)\b/.test(line);
    const errorLines = log.split('\n').filter(isError).length;
    internal.figure = `${unavailable} acks unavailable, ${errorLines} ERROR lines in the API log`;
    internal.require(
      unavailable === 0,
      `${unavailable} malformed events were answered 'unavailable' (a 500): see the API log`,
    );
    const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
    for (const line of log.split('\n').filter(isError).slice(0, 3)) {
      internal.problem(`log: ${line.replace(ansi, '').slice(0, 200)}`);
    }
    finishAll(survival, memory, internal);
  }, 60_000);

  itKeepsSecretsOutOfTheLog(getApi, 'fuzz');
});

console.log(`security-e2e fuzz seed: ${SEED} (replay with SECURITY_FUZZ_SEED=${SEED})`);
