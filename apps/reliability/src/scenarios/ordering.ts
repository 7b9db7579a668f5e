import { GLOBAL_CHAT_ID, type Message } from '@chat/shared-types';
import { itemAt } from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import { ChatClient } from '../support/chat-client';
import type { Deployment } from '../support/deployment';
import { newestId, postMessage, registerUsers, uniqueTag } from '../support/http';
import { none, promise, type ScenarioReport } from '../support/report';
import { seconds, sleep } from '../support/timing';
import { duplicates, inversions } from '../support/verify';

const SENDERS = 10;
const PER_SENDER = 40;
/** Readers: how each polls `after=<last seen id>`, and its page size. */
const READERS = [
  { via: 'rest', limit: 100 },
  { via: 'rest', limit: 7 },
  { via: 'rest', limit: 1 },
  { via: 'socket', limit: 5 },
] as const;

interface ReaderResult {
  via: string;
  limit: number;
  polls: number;
  received: Message[];
}

/**
 * Many senders write to one chat (`all`) at once, half over REST and half over Socket.IO,
 * while readers poll `after=<last seen id>`: a reader that has seen id N must never later find
 * a smaller id it has not seen, so each reader's list must equal the stored rows, in order.
 */
export async function ordering(deployment: Deployment): Promise<ScenarioReport> {
  const started = Date.now();
  const baseUrl = deployment.baseUrl();
  const tag = uniqueTag();
  const senders = await registerUsers(baseUrl, tag, 's', SENDERS);
  const readerUsers = await registerUsers(baseUrl, tag, 'r', READERS.length);
  // Readers start from a cursor: without one, GET messages answers the newest page.
  const seed = await postMessage(baseUrl, senders[0], GLOBAL_CHAT_ID, `${tag} seed`, randomUUID());
  const startId = await newestId(baseUrl, senders[0], GLOBAL_CHAT_ID);
  if (seed.status !== 201 || startId === null) throw new Error('could not seed `all`');

  const socketSenders = senders.map((user, i) =>
    i % 2 === 1 ? new ChatClient({ baseUrl, user, catchUpVia: 'socket' }) : null,
  );
  const readerClients = readerUsers.map(
    (user, i) => new ChatClient({ baseUrl, user, catchUpVia: itemAt(READERS, i).via }),
  );
  await Promise.all(
    [...socketSenders, ...readerClients].map((client) => client?.connect() ?? Promise.resolve()),
  );

  let sendersDone = false;
  const readers = readerClients.map(async (client, i): Promise<ReaderResult> => {
    const result: ReaderResult = { ...itemAt(READERS, i), polls: 0, received: [] };
    let last = startId;
    for (;;) {
      const finishing = sendersDone;
      const page = await client.fetchPage(GLOBAL_CHAT_ID, { after: last }, result.limit);
      result.polls++;
      result.received.push(...page.messages);
      last = page.messages.at(-1)?.id ?? last;
      if (page.messages.length === 0) {
        if (finishing) return result;
        await sleep(2);
      }
    }
  });

  const sends = senders.map(async (user, i) => {
    const socketSender = socketSenders[i];
    for (let k = 0; k < PER_SENDER; k++) {
      const content = `${tag} s${i}#${k}`;
      if (socketSender) {
        await socketSender.send(GLOBAL_CHAT_ID, content);
      } else {
        const answer = await postMessage(baseUrl, user, GLOBAL_CHAT_ID, content, randomUUID());
        if (answer.status !== 201) throw new Error(`POST answered ${answer.status}`);
      }
    }
  });
  const sendResults = await Promise.allSettled(sends);
  sendersDone = true;
  const results = await Promise.all(readers);
  [...socketSenders, ...readerClients].forEach((client) => client?.close());

  const stored = await deployment.storedMessages({ chatIds: [GLOBAL_CHAT_ID], afterId: startId });
  const storedIds = stored.map((row) => row.id);
  const senderIds = new Set(senders.map((user) => user.id));
  const written = stored.filter((row) => senderIds.has(row.senderId));
  const perReader = results.map((result) => {
    const lastSeen = BigInt(result.received.at(-1)?.id ?? startId);
    const expected = storedIds.filter((id) => BigInt(id) <= lastSeen);
    const seen = new Set(result.received.map((message) => message.id));
    return {
      ...result,
      missed:
        expected.filter((id) => !seen.has(id)).length +
        written.filter((row) => BigInt(row.id) > lastSeen).length,
      duplicates: duplicates(result.received),
      inversions: inversions(result.received),
      equal: expected.join() === result.received.map((message) => message.id).join(),
      firstDifference: firstDifference(
        expected,
        result.received.map((message) => message.id),
      ),
    };
  });
  const union = [...new Set(results.flatMap((r) => r.received.map((m) => m.id)))].sort((a, b) =>
    BigInt(a) < BigInt(b) ? -1 : 1,
  );
  const unionEqual = union.join() === storedIds.slice(0, union.length).join();
  const writtenCount = written.length;
  const failures = sendResults.filter((result) => result.status === 'rejected').length;
  const totalMissed = perReader.reduce((total, reader) => total + reader.missed, 0);

  return {
    id: 'ordering',
    title: 'Ordering: readers polling `after` never miss a message',
    setup:
      `${SENDERS} senders write ${PER_SENDER} messages each to \`all\` at the same time ` +
      `(half over REST, half over Socket.IO, each as fast as its acks come back) while ` +
      `${READERS.length} readers poll \`after=<last seen id>\` with different page sizes ` +
      `(REST GET messages and \`chat:history\`) until the senders are done and a poll comes ` +
      `back empty. Each reader's list is compared with the rows stored in \`all\`.`,
    figures: [
      promise(
        'messages written by the senders',
        writtenCount,
        `= ${SENDERS * PER_SENDER}`,
        writtenCount === SENDERS * PER_SENDER,
      ),
      { name: 'rows stored in `all` meanwhile (all senders)', value: stored.length },
      none('send loops that failed', failures),
      none('messages a reader missed', totalMissed),
      promise(
        'readers whose list equals the stored rows, in order',
        `${perReader.filter((reader) => reader.equal).length} of ${perReader.length}`,
        'all',
        perReader.every((reader) => reader.equal),
      ),
      promise(
        'union of the readers equals the stored rows, in order',
        unionEqual ? 'yes' : 'no',
        'yes',
        unionEqual,
      ),
      { name: 'scenario time', value: seconds(Date.now() - started) },
    ],
    notes: perReader
      .filter((reader) => !reader.equal)
      .map(
        (reader) =>
          `${reader.via} reader (page ${reader.limit}) differs from the stored rows: ${reader.firstDifference}`,
      ),
    tables: [
      {
        headers: ['reader', 'page size', 'polls', 'received', 'missed', 'duplicates', 'inversions'],
        rows: perReader.map((reader) => [
          reader.via === 'rest' ? 'GET messages' : 'chat:history',
          reader.limit,
          reader.polls,
          reader.received.length,
          reader.missed,
          reader.duplicates,
          reader.inversions,
        ]),
      },
    ],
  };
}

function firstDifference(expected: string[], received: string[]): string {
  for (let i = 0; i < Math.max(expected.length, received.length); i++) {
    if (expected[i] !== received[i]) {
      return `at position ${i}: stored ${expected[i] ?? 'nothing'}, received ${received[i] ?? 'nothing'}`;
    }
  }
  return 'none';
}
