import { Injectable, Logger } from '@nestjs/common';
import type { Server } from 'node:http';

/** A part of the app that finishes its work before the app closes (realtime: acks, sockets). */
export type Drainer = () => Promise<void>;

/**
 * Whether the instance is shutting down, and the first step of a graceful shutdown (main.ts):
 * readiness turns 503, the HTTP server stops listening (no new connections; answers on kept
 * connections say `Connection: close`), then every registered drainer finishes its work.
 * Closing the database and Redis is Nest's `app.close()` afterwards.
 */
@Injectable()
export class ShutdownState {
  private readonly logger = new Logger('Shutdown');
  private readonly drainers: Drainer[] = [];
  private drainingSince: number | null = null;

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  onDrain(drainer: Drainer): void {
    this.drainers.push(drainer);
  }

  async drain(http: Server): Promise<void> {
    if (this.draining) return;
    this.drainingSince = Date.now();
    http.close();
    http.closeIdleConnections();
    await Promise.all(this.drainers.map((drainer) => drainer()));
    this.logger.log(`Drained in ${Date.now() - this.drainingSince} ms`);
  }
}
