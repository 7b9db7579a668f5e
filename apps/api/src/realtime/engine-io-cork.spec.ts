import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Socket as TcpSocket } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { io, type Socket as ClientSocket } from 'socket.io-client';
import { corkFrameWrites, isCorked, type EngineTransport } from './engine-io-cork';

/**
 * corkFrameWrites patches Engine.IO internals. These tests run a real Socket.IO server and
 * client: if an upgrade of socket.io, engine.io or ws moves what the patch relies on, they
 * fail here, by name, instead of the API silently getting slower.
 */

interface Running {
  server: Server;
  url: string;
  clients: ClientSocket[];
}

const running: Running[] = [];

async function start(cork: boolean): Promise<Running> {
  const http: HttpServer = createServer();
  const server = new Server(http, { perMessageDeflate: false, serveClient: false });
  if (cork) corkFrameWrites(server);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const run = { server, url: `http://127.0.0.1:${port}`, clients: [] };
  running.push(run);
  return run;
}

function connect(run: Running, transports: ('polling' | 'websocket')[]): ClientSocket {
  const client = io(run.url, { transports, forceNew: true, reconnection: false });
  run.clients.push(client);
  return client;
}

const nextConnection = (server: Server) =>
  new Promise<Socket>((resolve) => server.once('connection', resolve));

/** What the patch reads of a connection's transport, as Engine.IO has it today. */
const transportOf = (socket: Socket) => socket.conn.transport as unknown as EngineTransport;

/** Counts the writes the TCP socket hands to the kernel (one `_write` or `_writev` each). */
function countWrites(tcp: TcpSocket): number[] {
  const writes: number[] = [];
  const writable = tcp as unknown as {
    _write(chunk: unknown, encoding: string, cb: () => void): void;
    _writev(chunks: unknown[], cb: () => void): void;
  };
  const write = writable._write.bind(tcp);
  const writev = writable._writev.bind(tcp);
  writable._write = (chunk, encoding, cb) => {
    writes.push(1);
    write(chunk, encoding, cb);
  };
  writable._writev = (chunks, cb) => {
    writes.push(chunks.length);
    writev(chunks, cb);
  };
  return writes;
}

/**
 * Emits `count` events at once. The first goes out alone; the rest queue while it is being
 * written and leave together, in one Engine.IO `send`: the batch the patch corks.
 */
async function sendAtOnce(server: Server, count: number) {
  const connection = nextConnection(server);
  const run = running.find((r) => r.server === server);
  if (!run) throw new Error('not started');
  const client = connect(run, ['websocket']);
  const socket = await connection;
  const tcp = transportOf(socket).socket?._socket;
  if (!(tcp instanceof TcpSocket)) throw new Error('no TCP socket under the transport');
  const received: number[] = [];
  const all = new Promise<void>((resolve) =>
    client.on('n', (n: number) => {
      received.push(n);
      if (received.length === count) resolve();
    }),
  );
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  const writes = countWrites(tcp);
  for (let n = 0; n < count; n++) socket.emit('n', n);
  await all;
  return { received, writes };
}

afterEach(async () => {
  for (const run of running.splice(0)) {
    run.clients.forEach((c) => c.close());
    await run.server.close();
  }
});

describe('corkFrameWrites (Engine.IO internals it relies on)', () => {
  it('finds what it patches on a WebSocket connection: transport name, send, ws socket, TCP socket', async () => {
    const run = await start(false);
    const connection = nextConnection(run.server);
    connect(run, ['websocket']);
    const transport = transportOf(await connection);

    expect(transport.name).toBe('websocket');
    expect(typeof transport.send).toBe('function');
    expect(transport.send.length).toBe(1);
    expect(transport.socket?._socket).toBeInstanceOf(TcpSocket);
  });

  it('patches a connection that opens on WebSocket', async () => {
    const run = await start(true);
    const connection = nextConnection(run.server);
    connect(run, ['websocket']);
    expect(isCorked(transportOf(await connection))).toBe(true);
  });

  it('patches a connection that starts on long-polling once it upgrades to WebSocket', async () => {
    const run = await start(true);
    const connection = nextConnection(run.server);
    connect(run, ['polling', 'websocket']);
    const socket = await connection;
    expect(transportOf(socket).name).toBe('polling');
    expect(isCorked(transportOf(socket))).toBe(false);

    await new Promise<void>((resolve) => socket.conn.once('upgrade', () => resolve()));

    expect(transportOf(socket).name).toBe('websocket');
    expect(isCorked(transportOf(socket))).toBe(true);
  });

  it('hands the frames of one send to the kernel in one write, in order', async () => {
    const run = await start(true);
    const { received, writes } = await sendAtOnce(run.server, 6);

    expect(received).toEqual([0, 1, 2, 3, 4, 5]);
    // The first frame alone, then the five queued behind it together (a header and a
    // payload chunk per frame).
    expect(writes).toEqual([expect.any(Number), 10]);
  });

  it('without the patch, the same frames take a write each (what the patch saves)', async () => {
    const run = await start(false);
    const { received, writes } = await sendAtOnce(run.server, 6);

    expect(received).toEqual([0, 1, 2, 3, 4, 5]);
    expect(writes.length).toBeGreaterThanOrEqual(6);
  });
});
