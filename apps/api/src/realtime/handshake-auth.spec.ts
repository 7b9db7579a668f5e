import { JwtService } from '@nestjs/jwt';
import { randomBytes, randomUUID } from 'node:crypto';
import { disconnection, emitAck, nextEvent } from '@chat/test-harness';
import { AuthService } from '../auth/auth.service';
import { ChatsService } from '../chats/chats.service';
import { TestApp } from '../testing/test-app';

describe('HandshakeAuth', () => {
  const t = TestApp.forSpec();

  it("admits a live session: the socket is its user's and is in its user's chats", async () => {
    const ann = await t.register('Ann');
    const bob = await t.register('Bob');
    const { chat } = await t.get(ChatsService).createDirect(ann.user.id, bob.user.id);
    const [annTab, bobTab] = await Promise.all([
      t.connect(ann.accessToken),
      t.connect(bob.accessToken),
    ]);
    const arrives = nextEvent(bobTab, 'message:new');

    const ack = await emitAck(annTab, 'message:send', {
      chatId: chat.id,
      content: 'hello',
      clientId: randomUUID(),
    });

    expect(ack).toMatchObject({ ok: true, data: { senderId: ann.user.id } });
    expect(await arrives).toMatchObject({ chatId: chat.id, senderId: ann.user.id });
  });

  it('refuses a missing, malformed or forged token with unauthorized', async () => {
    const ann = await t.register('Ann');
    const forged = await new JwtService({ secret: randomBytes(32).toString('hex') }).signAsync(
      { sub: ann.user.id, sid: ann.auth.sessionId },
      { algorithm: 'HS256', expiresIn: 60 },
    );
    for (const token of ['', 'not-a-token', forged]) {
      expect((await t.handshakeError(token)).message).toBe('unauthorized');
    }
  });

  it('refuses the token of a session that has ended', async () => {
    const ann = await t.register('Ann');
    await t.get(AuthService).logout(ann.auth);
    expect((await t.handshakeError(ann.accessToken)).message).toBe('unauthorized');
  });

  it('refuses an unknown presence mode with invalid, before looking at the token', async () => {
    const ann = await t.register('Ann');
    expect((await t.handshakeError(ann.accessToken, 'sometimes')).message).toBe('invalid');
    expect((await t.handshakeError('not-a-token', 'sometimes')).message).toBe('invalid');
  });

  it('closes a socket when the token it was opened with expires, and only that socket', async () => {
    const ann = await t.register('Ann');
    // Same session, a token that expires within two seconds (exp is in whole seconds).
    const shortLived = await t
      .get(JwtService)
      .signAsync({ sub: ann.user.id, sid: ann.auth.sessionId }, { expiresIn: 2 });
    const [expiring, lasting] = await Promise.all([
      t.connect(shortLived),
      t.connect(ann.accessToken),
    ]);

    expect(await disconnection(expiring, 4000)).toBe('io server disconnect');
    expect(lasting.connected).toBe(true);
  });
});
