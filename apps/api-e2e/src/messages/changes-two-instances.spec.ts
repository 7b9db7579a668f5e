import type { ChangesPage, Chat, Message } from '@chat/shared-types';
import {
  ackData,
  emitAck,
  nextEvent,
  recordEvents,
  sleep,
  type TestApiRun,
} from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { bearer } from '../support/http';
import { QUIET_MS } from '../support/sockets';
import { TwoInstances } from '../support/two-instances';

/**
 * Messages that change, across two instances of one deployment (a database, a Redis and a JWT
 * secret of this file's own): what is changed through A reaches a member's socket on B as
 * `message:updated`, and B's `changes` (socket and REST) returns it.
 */
describe('edits, deletions and reactions across two instances behind Redis', () => {
  const pair = TwoInstances.forSpec('api-e2e-changes');
  const on = (run: TestApiRun) => request(run.api.baseUrl);

  it('reaches a member on B as message:updated, and B’s changes return it', async () => {
    const [a, b] = pair.runs;
    const [alice, bob, carol] = [
      await pair.register(a),
      await pair.register(a),
      await pair.register(b),
    ];
    const chat = (await on(a).post('/api/chats').set(bearer(alice.token)).send({ peerId: bob.id }))
      .body as Chat;
    const onA = await pair.connect(a, alice);
    const bobOnB = await pair.connect(b, bob);
    // Carol, on B too, is in no chat with them: she hears none of it.
    const carolHears = recordEvents(await pair.connect(b, carol), 'message:updated');
    const sent = ackData(
      await emitAck(onA, 'message:send', {
        chatId: chat.id,
        content: 'helo',
        clientId: randomUUID(),
      }),
    );
    const message = `/api/chats/${encodeURIComponent(chat.id)}/messages/${sent.id}`;

    // An edit over A's REST, a reaction and a deletion over A's socket: each heard on B.
    let heard = nextEvent(bobOnB, 'message:updated', 5_000);
    const edited = await on(a).patch(message).set(bearer(alice.token)).send({ content: 'hello' });
    expect(edited.status).toBe(200);
    expect(await heard).toEqual(edited.body);
    expect(edited.body).toMatchObject({ content: 'hello', editedAt: expect.any(String) });

    heard = nextEvent(bobOnB, 'message:updated', 5_000);
    const reaction = { chatId: chat.id, messageId: sent.id, emoji: '👍', on: true };
    const liked = ackData(await emitAck(onA, 'reaction:set', reaction));
    expect(await heard).toEqual(liked);
    expect(liked.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [alice.id] }]);

    heard = nextEvent(bobOnB, 'message:updated', 5_000);
    const gone = ackData(
      await emitAck(onA, 'message:delete', { chatId: chat.id, messageId: sent.id }),
    );
    expect(await heard).toEqual(gone);
    expect(gone).toMatchObject({ deleted: true, content: '', reactions: [] });

    // B's changes since the send: the message once, in its latest state, over both routes.
    const expected: ChangesPage = { messages: [gone], hasMore: false, version: gone.version };
    expect(
      ackData(await emitAck(bobOnB, 'chat:changes', { chatId: chat.id, since: sent.version })),
    ).toEqual(expected);
    const page = await on(b)
      .get(`/api/chats/${encodeURIComponent(chat.id)}/changes`)
      .query({ since: sent.version })
      .set(bearer(bob.token));
    expect({ status: page.status, body: page.body as unknown }).toEqual({
      status: 200,
      body: expected,
    });
    const listed = (await on(b).get('/api/chats').set(bearer(bob.token))).body as Chat[];
    expect(listed.find((c) => c.id === chat.id)?.version).toBe(gone.version);

    await sleep(QUIET_MS);
    expect(carolHears.events).toEqual([]);
    const versions = [sent, edited.body as Message, liked, gone].map((m) => BigInt(m.version));
    expect(versions).toEqual([...versions].sort((x, y) => (x < y ? -1 : 1)));
  });
});
