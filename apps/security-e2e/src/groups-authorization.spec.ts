import { HANDSHAKE_UNAUTHORIZED, type Chat, type Message } from '@chat/shared-types';
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { useApi, type SecurityApi } from './support/api';
import { describeExchange, http, isApiError, outcomeOf, type HttpResult } from './support/http';
import { decodeClaims, nowSeconds, randomSecret, signJwt } from './support/jwt';
import { LeakDetector } from './support/leaks';
import { itKeepsSecretsOutOfTheLog } from './support/log-check';
import { finishAll, Vector } from './support/report';
import {
  ackOutcome,
  emitAck,
  handshake,
  isAckError,
  openSocket,
  recordEvents,
  sleep,
  type AckResult,
  type ReceivedEvent,
} from './support/sockets';
import {
  openDirectChat,
  postMessage,
  registerUser,
  uniqueTag,
  type TestUser,
} from './support/users';

const ROLES = ['owner', 'admin', 'member', 'former member', 'non-member', 'forged token'] as const;
type Role = (typeof ROLES)[number];
const OUTSIDERS: readonly Role[] = ['former member', 'non-member', 'forged token'];

/** Who calls: a token and, for a valid one, a socket connected before the matrix started. */
interface Caller {
  role: Role;
  token: string;
  user: TestUser | null;
  socket: Socket | null;
}

/** What came back: a tally label, the whole answer (to scan) and whether its shape is right. */
interface Answer {
  outcome: string;
  body: unknown;
  /** A denial is exactly the contract's error shape (ApiError, Ack error, connect_error). */
  exact: boolean;
  exchange: string;
}

interface Action {
  name: string;
  channel: 'REST' | 'socket';
  /** Expected outcome per role; outsiders default to a denial (403 / ack forbidden / 401). */
  expect: Partial<Record<Role, string>>;
  run: (caller: Caller) => Promise<Answer>;
}

const QUIET_MS = 500;

/** The report's summary of what each role must be answered (each test states its own row). */
const EXPECTED: Record<Role, string> = {
  owner: 'every member route ok; rename, add, roles, remove ok; 403 editing another’s message',
  admin: 'every member route ok; rename, add, remove ok; 403 for roles, the owner, another’s edit',
  member:
    'every member route ok, its own edit; 403 for every management route and others’ messages',
  'former member':
    '403 forbidden / ack forbidden; listing and search without the group; a new group is another chat',
  'non-member':
    '403 forbidden / ack forbidden; listing and search without the group; a new group is another chat',
  'forged token': '401 unauthorized; connect_error unauthorized',
};

/**
 * Every group route and every message route or event applied to a group, tried by its owner,
 * an admin, a member, a former member, a non-member and a forged token (contract "Groups"):
 * one test per (action, role), in order, so the state a row leaves is the next row's. What an
 * outsider gets back, and every event an outsider's socket receives during the run, is scanned
 * for the group's title, its members' names and logins, and its messages' text.
 */
describe('Authorization: a group chat, by role', () => {
  const getApi = useApi('groups-authorization', {
    MESSAGE_RATE: '100000',
    MESSAGE_BURST: '100000',
  });

  const tag = uniqueTag();
  /** In every title the group has had, every member's name, every message's text. */
  const TITLE = `title${tag}`;
  const SECRET = `secret${tag}`;
  const NAME = `Grp${tag}`;
  const callers = new Map<Role, Caller>();
  const persistent: Socket[] = [];
  let owner: TestUser;
  let admin: TestUser;
  let member: TestUser;
  let writer: TestUser;
  let promoted: TestUser;
  /** In no chat with the group's members: the one other member of the groups the callers make. */
  let bystander: TestUser;
  let chatId: string;
  /** A message of the member's (edited), and one of the writer's (reacted to, searched). */
  let memberMessage: Message;
  let target: Message;
  let forgedToken: string;
  let denialLeaks: LeakDetector;
  let answerLeaks: LeakDetector;
  let eventLeaks: LeakDetector;
  const groupLogins: string[] = [];
  let outsiderEvents: { role: Role; events: ReceivedEvent[] }[] = [];
  let memberEvents: ReceivedEvent[] = [];
  const vectors = new Map<Role, Vector>();

  /** A socket of the whole run (the helpers' sockets are closed after every test). */
  async function persistentSocket(api: SecurityApi, token: string): Promise<Socket> {
    const socket = io(api.baseUrl, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token },
    });
    persistent.push(socket);
    const outcome = await handshake(socket);
    if (!outcome.ok) throw new Error(`socket handshake failed: ${outcome.error}`);
    return socket;
  }

  async function groupMember(role: string): Promise<TestUser> {
    const user = await registerUser(getApi(), { fullName: `${NAME} ${role}` });
    groupLogins.push(user.login);
    return user;
  }

  beforeAll(async () => {
    const api = getApi();
    owner = await groupMember('Owner');
    admin = await groupMember('Admin');
    member = await groupMember('Member');
    writer = await groupMember('Writer');
    promoted = await groupMember('Promoted');
    // Not among the needles: what the former member makes carries its own name and login.
    const former = await registerUser(api, { fullName: `Former ${tag}` });
    const outsider = await registerUser(api, { fullName: `Outsider ${tag}` });
    bystander = await registerUser(api, { fullName: `Bystander ${tag}` });
    // The non-member is a member of chats, just not of this one.
    await openDirectChat(api, outsider, await registerUser(api));

    const created = await http(api, '/api/chats', {
      token: owner.token,
      json: {
        title: `${TITLE} Board`,
        memberIds: [admin, member, writer, promoted, former].map((u) => u.id),
      },
    });
    if (created.status !== 201) throw new Error(describeExchange('POST /api/chats', created));
    chatId = (created.body as Chat).id;
    const promote = await http(api, `/api/chats/${chatId}/members/${admin.id}`, {
      method: 'PATCH',
      token: owner.token,
      json: { role: 'admin' },
    });
    if (promote.status !== 200) throw new Error(describeExchange('PATCH role', promote));
    await postMessage(api, former, chatId, `${SECRET} written by the former member`);
    memberMessage = await postMessage(api, member, chatId, `${SECRET} the member's plan`);
    target = await postMessage(api, writer, chatId, `${SECRET} the writer's budget`);

    const claims = decodeClaims(owner.token);
    forgedToken = signJwt(
      { sub: claims['sub'], sid: claims['sid'], iat: nowSeconds(), exp: nowSeconds() + 3600 },
      randomSecret(),
    );
    api.remember(forgedToken);

    const formerSocket = await persistentSocket(api, former.token);
    const removed = new Promise<void>((resolve) => formerSocket.once('chat:removed', resolve));
    const removal = await http(api, `/api/chats/${chatId}/members/${former.id}`, {
      method: 'DELETE',
      token: owner.token,
    });
    if (removal.status !== 204) throw new Error(describeExchange('DELETE member', removal));
    await removed;

    const entries: [Role, TestUser | null, string][] = [
      ['owner', owner, owner.token],
      ['admin', admin, admin.token],
      ['member', member, member.token],
      ['former member', former, former.token],
      ['non-member', outsider, outsider.token],
      ['forged token', null, forgedToken],
    ];
    for (const [role, user, token] of entries) {
      const socket =
        role === 'former member' ? formerSocket : user ? await persistentSocket(api, token) : null;
      callers.set(role, { role, token, user, socket });
    }
    outsiderEvents = (['former member', 'non-member'] as const).map((role) => ({
      role,
      events: recordEvents(callers.get(role)?.socket as Socket),
    }));
    memberEvents = recordEvents(await persistentSocket(api, writer.token));

    const names = [...groupLogins, NAME, TITLE, SECRET];
    denialLeaks = new LeakDetector(names);
    // Listings (All lists its members' names) and search pages may hold people and messages of
    // the caller's own chats: there only the group's title, text and id must be absent.
    answerLeaks = new LeakDetector([TITLE, SECRET, chatId], false);
    eventLeaks = new LeakDetector([...names, chatId], false);
    for (const role of ROLES) {
      vectors.set(
        role,
        new Vector(
          'Authorization',
          `group chat, ${role === 'forged token' ? 'with a' : 'by the'} ${role}: ${actions.filter((a) => a.channel === 'REST').length} REST routes and ${actions.filter((a) => a.channel === 'socket').length} socket events (listing, create, history, around, send, read, members, changes, search, edit, delete, reactions, upload, rename, add, role, remove, leave)`,
          EXPECTED[role],
        ),
      );
    }
  }, 60_000);

  afterAll(() => {
    persistent.forEach((socket) => socket.disconnect());
  });

  const path = (suffix = '') => `/api/chats/${encodeURIComponent(chatId)}${suffix}`;

  function restAnswer(label: string, res: HttpResult, describe?: (res: HttpResult) => string) {
    const outcome = describe && res.status < 400 ? describe(res) : outcomeOf(res);
    const exact = res.status < 400 || isApiError(res, res.status);
    return { outcome, body: res.body ?? res.text, exact, exchange: describeExchange(label, res) };
  }

  function rest(
    name: string,
    expect: Partial<Record<Role, string>>,
    request: () => Promise<{ method: string; path: string; json?: unknown }>,
    describe?: (res: HttpResult) => string,
  ): Action {
    return {
      name,
      channel: 'REST',
      expect,
      run: async (caller) => {
        const { method, path: to, json } = await request();
        const res = await http(getApi(), to, { method, json, token: caller.token });
        return restAnswer(`${method} ${to}`, res, describe);
      },
    };
  }

  function event(
    name: string,
    expect: Partial<Record<Role, string>>,
    payload: () => Promise<Record<string, unknown>>,
    label = name,
  ): Action {
    return {
      name: label,
      channel: 'socket',
      expect,
      run: async (caller) => {
        if (!caller.socket) {
          const socket = openSocket(getApi(), { token: caller.token });
          const events = recordEvents(socket);
          const outcome = await handshake(socket);
          return {
            outcome: outcome.ok ? 'connected' : `connect_error ${outcome.error}`,
            body: events,
            exact: !outcome.ok && outcome.error === HANDSHAKE_UNAUTHORIZED,
            exchange: `handshake with ${caller.role} → ${JSON.stringify(outcome)}`,
          };
        }
        const sent = await payload();
        const ack: AckResult = await emitAck(caller.socket, name, [sent]);
        const exact = typeof ack !== 'string' && (ack.ok || isAckError(ack, ack.error.code));
        return {
          outcome: ackOutcome(ack),
          body: ack,
          exact,
          exchange: `${name} ${JSON.stringify(sent).slice(0, 120)} → ${JSON.stringify(ack).slice(0, 200)}`,
        };
      },
    };
  }

  const members = (answer: string) => ({ owner: answer, admin: answer, member: answer });
  const managers = (answer: string) => ({ owner: answer, admin: answer, member: '403 forbidden' });
  const fresh = () => ({ content: `${SECRET} ${randomUUID()}`, clientId: randomUUID() });
  const writersMessage = async () =>
    (await postMessage(getApi(), writer, chatId, `${SECRET} to delete ${randomUUID()}`)).id;
  /** A member added by the owner for this row alone. */
  const addedByOwner = async () => {
    const user = await groupMember('Added');
    const res = await http(getApi(), path('/members'), {
      token: owner.token,
      json: { userIds: [user.id] },
    });
    if (res.status !== 200) throw new Error(describeExchange('POST members', res));
    return user.id;
  };
  const withGroup = (res: HttpResult) =>
    `${res.status} ${(res.body as Chat[]).some((chat) => chat.id === chatId) ? 'with' : 'without'} the group`;
  const hits = (res: HttpResult) =>
    `${res.status} ${(res.body as { hits: unknown[] }).hits.length > 0 ? 'with' : 'without'} hits`;
  const upload = async () => {
    const boundary = `----group${randomUUID()}`;
    const raw = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="plan.txt"\r\nContent-Type: text/plain\r\n\r\n`,
      ),
      Buffer.from(`${SECRET} attachment\n`),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return { boundary, raw };
  };

  const actions: Action[] = [
    rest(
      'GET /api/chats',
      {
        ...members('200 with the group'),
        'former member': '200 without the group',
        'non-member': '200 without the group',
      },
      async () => ({ method: 'GET', path: '/api/chats' }),
      withGroup,
    ),
    // Anyone signed in may make a group of their own, naming this group's people: a new chat,
    // never a way into this one.
    rest(
      'POST /api/chats {title, memberIds} (a new group)',
      {
        ...members('201 another chat'),
        'former member': '201 another chat',
        'non-member': '201 another chat',
      },
      async () => ({
        method: 'POST',
        path: '/api/chats',
        json: { title: `Side ${randomUUID().slice(0, 8)}`, memberIds: [bystander.id] },
      }),
      (res) => `${res.status} ${(res.body as Chat).id === chatId ? 'this chat' : 'another chat'}`,
    ),
    rest('GET messages', members('200'), async () => ({
      method: 'GET',
      path: path('/messages?limit=100'),
    })),
    rest('GET messages ?after=1', members('200'), async () => ({
      method: 'GET',
      path: path('/messages?after=1'),
    })),
    rest('GET messages ?around=<id>', members('200'), async () => ({
      method: 'GET',
      path: path(`/messages?around=${target.id}&limit=5`),
    })),
    rest('POST messages (send)', members('201'), async () => ({
      method: 'POST',
      path: path('/messages'),
      json: fresh(),
    })),
    rest('POST read', members('204'), async () => ({
      method: 'POST',
      path: path('/read'),
      json: { upToId: target.id },
    })),
    rest('GET members', members('200'), async () => ({ method: 'GET', path: path('/members') })),
    rest('GET changes ?since=0', members('200'), async () => ({
      method: 'GET',
      path: path('/changes?since=0'),
    })),
    rest(
      'GET /api/search ?chatId=<group>',
      members('200 with hits'),
      async () => ({
        method: 'GET',
        path: `/api/search?q=${SECRET}&chatId=${encodeURIComponent(chatId)}`,
      }),
      hits,
    ),
    rest(
      'GET /api/search (all my chats)',
      {
        ...members('200 with hits'),
        'former member': '200 without hits',
        'non-member': '200 without hits',
      },
      async () => ({ method: 'GET', path: `/api/search?q=${SECRET}` }),
      hits,
    ),
    rest(
      'PATCH the member’s message (edit)',
      { owner: '403 forbidden', admin: '403 forbidden', member: '200' },
      async () => ({
        method: 'PATCH',
        path: path(`/messages/${memberMessage.id}`),
        json: { content: `${SECRET} edited ${randomUUID()}` },
      }),
    ),
    rest('DELETE another member’s message', managers('200'), async () => ({
      method: 'DELETE',
      path: path(`/messages/${await writersMessage()}`),
    })),
    rest('PUT reaction', members('200'), async () => ({
      method: 'PUT',
      path: path(`/messages/${target.id}/reactions/${encodeURIComponent('👍')}`),
    })),
    rest('DELETE reaction', members('200'), async () => ({
      method: 'DELETE',
      path: path(`/messages/${target.id}/reactions/${encodeURIComponent('👍')}`),
    })),
    {
      name: 'POST attachments (upload)',
      channel: 'REST',
      expect: members('201'),
      run: async (caller) => {
        const { boundary, raw } = await upload();
        const res = await http(getApi(), path('/attachments'), {
          method: 'POST',
          token: caller.token,
          raw,
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        });
        return restAnswer(`POST ${path('/attachments')}`, res);
      },
    },
    rest('PATCH the group (rename)', managers('200'), async () => ({
      method: 'PATCH',
      path: path(),
      json: { title: `${TITLE} ${randomUUID().slice(0, 8)}` },
    })),
    rest('POST members (add)', managers('200'), async () => ({
      method: 'POST',
      path: path('/members'),
      json: { userIds: [(await groupMember('Invited')).id] },
    })),
    rest(
      'PATCH a member’s role',
      { owner: '200', admin: '403 forbidden', member: '403 forbidden' },
      async () => ({
        method: 'PATCH',
        path: path(`/members/${promoted.id}`),
        json: { role: 'admin' },
      }),
    ),
    rest('DELETE a member (remove)', managers('204'), async () => ({
      method: 'DELETE',
      path: path(`/members/${await addedByOwner()}`),
    })),
    rest(
      'DELETE the owner (remove)',
      { admin: '403 forbidden', member: '403 forbidden' },
      async () => ({ method: 'DELETE', path: path(`/members/${owner.id}`) }),
    ),
    event(
      'chat:create',
      {
        ...members('ack ok'),
        'former member': 'ack ok',
        'non-member': 'ack ok',
      },
      async () => ({ title: `Side ${randomUUID().slice(0, 8)}`, memberIds: [bystander.id] }),
      'chat:create {title, memberIds} (a new group)',
    ),
    event('chat:history', members('ack ok'), async () => ({ chatId })),
    event(
      'chat:history',
      members('ack ok'),
      async () => ({ chatId, after: '1', limit: 10 }),
      'chat:history {after}',
    ),
    event('message:send', members('ack ok'), async () => ({ chatId, ...fresh() })),
    event('chat:read', members('ack ok'), async () => ({ chatId, upToId: target.id })),
    event('typing', members('ack ok'), async () => ({ chatId, isTyping: true })),
    event(
      'message:edit',
      { owner: 'ack forbidden', admin: 'ack forbidden', member: 'ack ok' },
      async () => ({
        chatId,
        messageId: memberMessage.id,
        content: `${SECRET} edited ${randomUUID()}`,
      }),
    ),
    event(
      'message:delete',
      { owner: 'ack ok', admin: 'ack ok', member: 'ack forbidden' },
      async () => ({
        chatId,
        messageId: await writersMessage(),
      }),
    ),
    event(
      'reaction:set',
      members('ack ok'),
      async () => ({ chatId, messageId: target.id, emoji: '🔥', on: true }),
      'reaction:set {on: true}',
    ),
    event(
      'reaction:set',
      members('ack ok'),
      async () => ({ chatId, messageId: target.id, emoji: '🔥', on: false }),
      'reaction:set {on: false}',
    ),
    event('chat:changes', members('ack ok'), async () => ({ chatId, since: '0' })),
    // Last, since they change who is who: outsiders first, then the member, admin and owner.
    rest('DELETE oneself (leave)', members('204'), async () => ({
      method: 'DELETE',
      path: '',
    })),
  ];

  const leave = actions[actions.length - 1] as Action;
  leave.run = async (caller) => {
    const self = caller.user?.id ?? owner.id;
    const to = path(`/members/${self}`);
    const res = await http(getApi(), to, { method: 'DELETE', token: caller.token });
    return restAnswer(`DELETE ${to}`, res);
  };

  const expected = (action: Action, role: Role): string | undefined => {
    const own = action.expect[role];
    if (own) return own;
    if (role === 'forged token') {
      return action.channel === 'REST' ? '401 unauthorized' : 'connect_error unauthorized';
    }
    if (OUTSIDERS.includes(role))
      return action.channel === 'REST' ? '403 forbidden' : 'ack forbidden';
    return undefined;
  };

  const leaveOrder: Role[] = [
    'former member',
    'non-member',
    'forged token',
    'member',
    'admin',
    'owner',
  ];
  const rows = actions.flatMap((action) =>
    (action === leave ? leaveOrder : [...ROLES])
      .map((role) => ({ action, role, want: expected(action, role) }))
      .filter((row): row is { action: Action; role: Role; want: string } => !!row.want)
      .map((row) => ({
        ...row,
        title: `${row.action.channel} ${row.action.name} by ${row.role} → ${row.want}`,
      })),
  );

  it.each(rows)('$title', async ({ action, role, want }) => {
    const caller = callers.get(role);
    const vector = vectors.get(role);
    if (!caller || !vector) throw new Error('the group was not set up');
    const answer = await action.run(caller);
    const denied = /^(4\d\d|ack (?!ok)|connect_error)/.test(answer.outcome);
    vector.saw(answer.outcome, denied);
    const problems: string[] = [];
    if (answer.outcome !== want) problems.push(`${answer.exchange} (expected ${want})`);
    if (!answer.exact) problems.push(`not the contract's error shape: ${answer.exchange}`);
    const leaks = OUTSIDERS.includes(role)
      ? (denied ? denialLeaks : answerLeaks).find(answer.body)
      : [];
    for (const found of leaks) vector.leak(`${action.name} by ${role}: the answer holds ${found}`);
    problems.forEach((problem) => vector.problem(problem));
    expect({ outcome: answer.outcome, problems, leaks }).toEqual({
      outcome: want,
      problems: [],
      leaks: [],
    });
  });

  it('no outsider’s socket heard anything of the group while it was used', async () => {
    await sleep(QUIET_MS);
    const listening = new Vector(
      'Authorization',
      'group chat: the former member’s and a non-member’s sockets listening through the whole matrix above',
      'no event carrying the group’s id, title, members’ names or messages',
    );
    for (const { role, events } of outsiderEvents) {
      for (const heard of events) {
        const found = eventLeaks.find(heard.args);
        listening.saw(heard.event, found.length > 0);
        for (const needle of found)
          listening.leak(`${role} heard ${heard.event} holding ${needle}`);
      }
      listening.saw(`${role}: ${events.length} events`, false);
    }
    const ofGroup = memberEvents.filter((heard) => eventLeaks.find(heard.args).length > 0);
    listening.require(
      ofGroup.length > 20,
      `the control member heard only ${ofGroup.length} events of the group`,
    );
    listening.figure = `${outsiderEvents.reduce((n, o) => n + o.events.length, 0)} events heard by outsiders, ${ofGroup.length} of the group by a member`;
    finishAll(...ROLES.map((role) => vectors.get(role) as Vector), listening);
  });

  itKeepsSecretsOutOfTheLog(getApi, 'groups-authorization');
});
