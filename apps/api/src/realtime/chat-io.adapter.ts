import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { IncomingMessage } from 'node:http';
import type { ServerOptions } from 'socket.io';

/**
 * Socket.IO server options for the whole app: payload cap, origin allowlist (same-origin
 * when CORS_ORIGINS is empty), no per-message deflate.
 */
export class ChatIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly corsOrigins: string[],
    private readonly maxPayloadBytes: number,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions) {
    return super.createIOServer(port, {
      ...options,
      maxHttpBufferSize: this.maxPayloadBytes,
      perMessageDeflate: false,
      cors: this.corsOrigins.length > 0 ? { origin: this.corsOrigins } : undefined,
      allowRequest: (
        request: IncomingMessage,
        callback: (error: string | null, ok: boolean) => void,
      ) => {
        const origin = request.headers.origin;
        const allowed =
          !origin || this.corsOrigins.includes(origin) || sameHost(origin, request.headers.host);
        callback(null, allowed);
      },
    });
  }
}

/** Non-browser clients send no Origin; a browser on this very host is same-origin. */
function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
