import {
  GLOBAL_CHAT_ID,
  type HistoryPage,
  type Message,
  type SearchPage,
} from '@chat/shared-types';
import { itemAt } from '@chat/test-harness';
import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { getHistory, idsOf } from '../support/expectations';
import { api, bearer, expectApiError, expectInvalid } from '../support/http';
import { openDirectChat, postMessage, registerUsers, type TestUser } from '../support/users';

/** A word no other test writes: letters only, so it is one word in every normalisation. */
function uniqueWord(): string {
  return `q${Array.from(randomBytes(8), (b) => String.fromCharCode(97 + (b % 26))).join('')}`;
}

function search(user: TestUser, query: Record<string, string>): Promise<Response> {
  return api().get('/api/search').query(query).set(bearer(user.token));
}

/** GET /api/search expecting 200 and exactly a SearchPage. */
async function searchPage(user: TestUser, query: Record<string, string>): Promise<SearchPage> {
  const res = await search(user, query);
  expect({ status: res.status, keys: Object.keys(res.body as object).sort() }).toEqual({
    status: 200,
    keys: ['hasMore', 'hits'],
  });
  const page = res.body as SearchPage;
  for (const hit of page.hits)
    expect(Object.keys(hit).sort()).toEqual(['chatTitle', 'highlights', 'message']);
  return page;
}

/** The contents of the hits, newest first. */
async function found(user: TestUser, q: string, more: Record<string, string> = {}) {
  return (await searchPage(user, { q, ...more })).hits.map((hit) => hit.message.content);
}

/** What each highlight range of the first hit covers. */
function highlighted(page: SearchPage): string[] {
  const hit = itemAt(page.hits, 0);
  return hit.highlights.map(([start, end]) => hit.message.content.slice(start, end));
}

async function trio() {
  const [a, b, outsider] = await registerUsers(3);
  const chat = await openDirectChat(a, b);
  return { a, b, outsider, chatId: chat.id };
}

describe('GET /api/search', () => {
  it('finds a word only in chats the caller is in, titled as the caller sees the chat', async () => {
    const { a, b, outsider, chatId } = await trio();
    const word = uniqueWord();
    const sent = await postMessage(b, chatId, `the ${word} is here`);

    expect(await found(outsider, word)).toEqual([]);
    expect((await searchPage(outsider, { q: `${word} here` })).hits).toEqual([]);

    const page = await searchPage(a, { q: word });
    expect(page).toEqual({
      hits: [{ message: sent, chatTitle: b.fullName, highlights: [[4, 4 + word.length]] }],
      hasMore: false,
    });
    const inAll = await postMessage(outsider, GLOBAL_CHAT_ID, `${word} for everyone`);
    const both = await searchPage(a, { q: word });
    expect(both.hits.map((h) => [h.message.id, h.chatTitle])).toEqual([
      [inAll.id, 'All'],
      [sent.id, b.fullName],
    ]);
  });

  it('matches any case and word beginnings, requires every term, newest first, and highlights exact ranges', async () => {
    const { a, b, chatId } = await trio();
    const w = uniqueWord();
    const W = w.toUpperCase();
    await postMessage(a, chatId, `${W}alpha Report ready`);
    await postMessage(b, chatId, `${w}beta report`);
    await postMessage(a, chatId, `other ${w}alpha-note`);

    expect(await found(b, `${w}ALPHA`)).toEqual([`other ${w}alpha-note`, `${W}alpha Report ready`]);
    expect(await found(b, w)).toEqual([
      `other ${w}alpha-note`,
      `${w}beta report`,
      `${W}alpha Report ready`,
    ]);
    expect(await found(b, `${w}alpha report`)).toEqual([`${W}alpha Report ready`]);
    expect(await found(b, `report ${w}`)).toEqual([`${w}beta report`, `${W}alpha Report ready`]);
    expect(await found(b, `${w}alpha rep`)).toEqual([`${W}alpha Report ready`]);
    expect(await found(b, `${w}alpha missingword`)).toEqual([]);
    // A term matches the start of a word, never its middle.
    expect(await found(b, `${w.slice(2)}`)).toEqual([]);

    const page = await searchPage(b, { q: `${w}alpha rep` });
    const n = w.length + 'alpha'.length;
    expect(itemAt(page.hits, 0).highlights).toEqual([
      [0, n],
      [n + 1, n + 7],
    ]);
    expect(highlighted(page)).toEqual([`${W}alpha`, 'Report']);
    // Punctuation splits words: the word after a hyphen is a word of its own.
    expect(await found(b, `${w} note`)).toEqual([`other ${w}alpha-note`]);
  });

  it('finds Ukrainian and Russian words in any case; й, ї stay letters of their own, ё is е', async () => {
    const { a, b, chatId } = await trio();
    const w = uniqueWord();
    const uk = `Привіт, ${w}! Їжак з'їв йогурт`;
    const ru = `Ёлка ${w} в ЛЕСУ`;
    await postMessage(a, chatId, uk);
    await postMessage(b, chatId, ru);

    expect(await found(a, `${w} ПРИВ`)).toEqual([uk]);
    expect(await found(a, `${w} їжак`)).toEqual([uk]);
    expect(await found(a, `${w} йог`)).toEqual([uk]);
    // и is not й, і is not ї: a Ukrainian reader would not expect these to match.
    expect(await found(a, `${w} иогурт`)).toEqual([]);
    expect(await found(a, `${w} іжак`)).toEqual([]);
    expect(await found(a, `${w} лес`)).toEqual([ru]);
    expect(await found(a, `${w} елка`)).toEqual([ru]);
    expect(await found(a, `${w} ёлк`)).toEqual([ru]);
    // One- and two-letter words are words too: з (from з'їв) and в.
    expect(await found(a, `${w} з`)).toEqual([uk]);
    expect(await found(a, `в ${w}`)).toEqual([ru]);

    const page = await searchPage(a, { q: `привіт ЇЖАК ${w}` });
    expect(highlighted(page)).toEqual(['Привіт', w, 'Їжак']);
    expect(itemAt(page.hits, 0).highlights).toEqual([
      [0, 6],
      [8, 8 + w.length],
      [10 + w.length, 14 + w.length],
    ]);
  });

  it('ignores accents on Latin letters, in the query and in the message', async () => {
    const { a, b, chatId } = await trio();
    const w = uniqueWord();
    const text = `Un ${w} au Café à Zürich, naïve Straße`;
    await postMessage(a, chatId, text);

    expect(await found(b, `${w} cafe`)).toEqual([text]);
    expect(await found(b, `${w} CAFÉ`)).toEqual([text]);
    expect(await found(b, `${w} zurich naive`)).toEqual([text]);
    expect(await found(b, `${w} strasse`)).toEqual([text]);
    expect(await found(b, `cafés ${w}`)).toEqual([]);

    const page = await searchPage(b, { q: `${w} cafe zur` });
    expect(highlighted(page)).toEqual([w, 'Café', 'Zürich']);
    const start = text.indexOf('Café');
    expect(itemAt(page.hits, 0).highlights[1]).toEqual([start, start + 4]);
  });

  it('pages back with before and limit, and a query of only punctuation finds nothing', async () => {
    const { a, b, chatId } = await trio();
    const w = uniqueWord();
    const sent: Message[] = [];
    for (let i = 1; i <= 5; i++) sent.push(await postMessage(a, chatId, `${w} number ${i}`));
    const ids = idsOf(sent).reverse();

    const first = await searchPage(b, { q: w, limit: '2' });
    expect([first.hits.map((h) => h.message.id), first.hasMore]).toEqual([ids.slice(0, 2), true]);
    const second = await searchPage(b, { q: w, limit: '2', before: itemAt(ids, 1) });
    expect([second.hits.map((h) => h.message.id), second.hasMore]).toEqual([ids.slice(2, 4), true]);
    const last = await searchPage(b, { q: w, limit: '2', before: itemAt(ids, 3) });
    expect([last.hits.map((h) => h.message.id), last.hasMore]).toEqual([ids.slice(4), false]);
    expect((await searchPage(b, { q: w })).hits).toHaveLength(5);

    expect(await searchPage(b, { q: '?! … -- ""' })).toEqual({ hits: [], hasMore: false });
  });

  it('searches one chat with chatId, and answers 403 for a chat the caller is not in', async () => {
    const { a, b, outsider, chatId } = await trio();
    const w = uniqueWord();
    await postMessage(a, GLOBAL_CHAT_ID, `${w} in all`);
    await postMessage(a, chatId, `${w} in private`);

    expect(await found(b, w, { chatId })).toEqual([`${w} in private`]);
    expect(await found(b, w, { chatId: GLOBAL_CHAT_ID })).toEqual([`${w} in all`]);
    expectApiError(await search(outsider, { q: w, chatId }), 403, 'forbidden');
    expectApiError(await search(outsider, { q: w, chatId: 'dm:nobody:none' }), 403, 'forbidden');
  });

  it('never finds a deleted message', async () => {
    const { a, b, chatId } = await trio();
    const w = uniqueWord();
    const kept = await postMessage(a, chatId, `${w} kept`);
    const gone = await postMessage(a, chatId, `${w} gone`);
    const res = await api().delete(`/api/chats/${chatId}/messages/${gone.id}`).set(bearer(a.token));
    expect(res.status).toBe(200);

    expect((await searchPage(b, { q: w })).hits.map((h) => h.message.id)).toEqual([kept.id]);
    expect(await found(b, `${w} gone`)).toEqual([]);
  });

  it("never finds a group's system messages, titles hits with the group's title, and a removed member finds nothing more there", async () => {
    const [owner, member] = await registerUsers(2);
    const w = uniqueWord();
    const created = await api()
      .post('/api/chats')
      .set(bearer(owner.token))
      .send({ title: `Plans ${w}`, memberIds: [member.id] });
    expect(created.status).toBe(201);
    const groupId = (created.body as { id: string }).id;
    // "… created the group “Plans <w>”" is in the group's timeline, but is not what people wrote.
    expect(await found(member, w)).toEqual([]);

    const said = await postMessage(owner, groupId, `${w} budget is approved`);
    const page = await searchPage(member, { q: w });
    expect(page.hits.map((h) => [h.message.id, h.chatTitle])).toEqual([[said.id, `Plans ${w}`]]);

    const removed = await api()
      .delete(`/api/chats/${groupId}/members/${member.id}`)
      .set(bearer(owner.token));
    expect(removed.status).toBe(204);
    expect(await found(member, w)).toEqual([]);
    expectApiError(await search(member, { q: w, chatId: groupId }), 403, 'forbidden');
    expect(await found(owner, w)).toEqual([`${w} budget is approved`]);
  });

  it('answers 400 naming the field for an empty, missing or over-long q and a bad limit or cursor', async () => {
    const [a] = await registerUsers(1);
    expectInvalid(await search(a, { q: '' }), 'q');
    expectInvalid(await search(a, {}), 'q');
    expectInvalid(await search(a, { q: 'x'.repeat(201) }), 'q');
    expect((await search(a, { q: `${uniqueWord()} ${'y'.repeat(180)}` })).status).toBe(200);
    expectInvalid(await search(a, { q: 'ok', limit: '0' }), 'limit');
    expectInvalid(await search(a, { q: 'ok', limit: '51' }), 'limit');
    expectInvalid(await search(a, { q: 'ok', before: 'abc' }), 'before');
    expect((await api().get('/api/search').query({ q: 'ok' })).status).toBe(401);
  });
});

describe('GET /api/chats/:id/messages?around=', () => {
  async function history(user: TestUser, chatId: string, query: Record<string, string>) {
    const res = await getHistory(user, chatId, query);
    expect({ status: res.status, keys: Object.keys(res.body as object).sort() }).toEqual({
      status: 200,
      keys: ['hasMore', 'hasMoreAfter', 'messages'],
    });
    const page = res.body as Required<HistoryPage>;
    return [page.messages.map((m) => m.content), page.hasMore, page.hasMoreAfter];
  }

  it('opens the history at a message: in the middle, at the oldest and at the newest', async () => {
    const { a, b, outsider, chatId } = await trio();
    const sent: Message[] = [];
    for (let i = 1; i <= 9; i++) sent.push(await postMessage(i % 2 ? a : b, chatId, `m${i}`));
    const id = (n: number) => itemAt(sent, n - 1).id;

    expect(await history(a, chatId, { around: id(5), limit: '5' })).toEqual([
      ['m3', 'm4', 'm5', 'm6', 'm7'],
      true,
      true,
    ]);
    expect(await history(a, chatId, { around: id(1), limit: '5' })).toEqual([
      ['m1', 'm2', 'm3', 'm4', 'm5'],
      false,
      true,
    ]);
    expect(await history(b, chatId, { around: id(9), limit: '5' })).toEqual([
      ['m5', 'm6', 'm7', 'm8', 'm9'],
      true,
      false,
    ]);
    expect(await history(b, chatId, { around: id(8), limit: '4' })).toEqual([
      ['m6', 'm7', 'm8', 'm9'],
      true,
      false,
    ]);
    expect(await history(b, chatId, { around: id(2), limit: '20' })).toEqual([
      sent.map((m) => m.content),
      false,
      false,
    ]);
    expect(await history(b, chatId, { around: id(4), limit: '1' })).toEqual([['m4'], true, true]);

    // Membership first, then the message: 403 for an outsider, 404 for another chat's message.
    expectApiError(await getHistory(outsider, chatId, { around: id(5) }), 403, 'forbidden');
    const elsewhere = await postMessage(a, GLOBAL_CHAT_ID, 'not in the direct chat');
    expectApiError(await getHistory(a, chatId, { around: elsewhere.id }), 404, 'not_found');
    expectInvalid(await getHistory(a, chatId, { around: id(5), before: id(6) }), 'around');
    expectInvalid(await getHistory(a, chatId, { around: id(5), after: id(2) }), 'around');
    expectInvalid(await getHistory(a, chatId, { around: 'x' }), 'around');
  });
});
