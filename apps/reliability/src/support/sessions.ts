import { connectSession, type ChatSocket } from '@chat/test-harness';
import type { TestUser } from './http';

/** Two instances on two shared cores: a handshake may wait behind a burst. */
const SESSION_TIMEOUT_MS = 5_000;

/** The sockets a scenario opens on the deployment's instances, closed together at its end. */
export class Sessions {
  private readonly opened: ChatSocket[] = [];

  /** A socket of `user` on the instance at `baseUrl`, once the server has sent `session`. */
  async open(baseUrl: string, user: TestUser): Promise<ChatSocket> {
    const { socket } = await connectSession(baseUrl, user.token, SESSION_TIMEOUT_MS);
    this.opened.push(socket);
    return socket;
  }

  closeAll(): void {
    for (const socket of this.opened.splice(0)) socket.disconnect();
  }
}
