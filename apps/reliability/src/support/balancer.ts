import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP load balancer on loopback, as a proxy in front of several instances would be: each new
 * connection goes to the next instance in turn, or to the one after it when that one refuses
 * (its listener is closed: it is draining or down). Open connections stay where they are.
 */
export class Balancer {
  private turn = 0;
  private readonly open = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly backends: number[],
  ) {
    server.on('connection', (client) => this.route(client));
  }

  static async start(backends: number[]): Promise<Balancer> {
    const server = createServer({ pauseOnConnect: true });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no balancer port');
    return new Balancer(server, address.port, backends);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.open) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private route(client: Socket, attempt = 0): void {
    if (attempt >= this.backends.length) {
      client.destroy();
      return;
    }
    const port = this.backends[(this.turn + attempt) % this.backends.length] as number;
    const upstream = connect(port, '127.0.0.1');
    upstream.once('error', () => {
      upstream.destroy();
      this.route(client, attempt + 1);
    });
    upstream.once('connect', () => {
      this.turn = (this.turn + attempt + 1) % this.backends.length;
      upstream.removeAllListeners('error');
      this.track(client);
      this.track(upstream);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream).pipe(client);
      client.resume();
    });
  }

  private track(socket: Socket): void {
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
  }
}
