import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Attachment, Message } from '@chat/shared-types';
import {
  ackData,
  connectSession,
  emitAck,
  emitRaw,
  nextEvent,
  startTestApi,
  waitFor,
  type ChatSocket,
  type TestApiRun,
} from '@chat/test-harness';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import S3rver from 's3rver';
import sharp from 'sharp';
import { bearer, expectApiError } from '../support/http';
import {
  directChat,
  fetchFile,
  history,
  on,
  photoWithGps,
  png,
  register,
  send,
  upload,
  uploaded,
} from './attachment-helpers';

const BUCKET = 'chat-attachments';
const S3_KEYS = { S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' };
/** Small, so a too-large upload costs the test little. */
const MAX_UPLOAD_MB = 1;
/** Uploads per user per minute on the S3 deployment (the folder one allows 1000). */
const UPLOAD_RATE = 6;

interface Deployment {
  name: 'a folder under DATA_DIR' | 'an S3 bucket (s3rver)';
  run: TestApiRun;
  dataDir: string;
  /** Whether the storage holds the object `key` (an attachment id, or `<id>.thumb`). */
  holds(key: string): Promise<boolean>;
}

/**
 * Contract "Attachments", against two deployments of the built API: files in a folder under
 * DATA_DIR, and files in an S3 bucket served by s3rver (a real S3-protocol server, on disk).
 */
describe('attachments', () => {
  const deployments: Deployment[] = [];
  let s3server: S3rver | undefined;
  let s3: S3Client | undefined;
  const cleanUps: (() => Promise<unknown>)[] = [];
  const sockets: ChatSocket[] = [];

  beforeAll(async () => {
    const common = {
      MAX_UPLOAD_MB: String(MAX_UPLOAD_MB),
      ATTACHMENT_SWEEP_INTERVAL_MS: '1000',
      UPLOAD_RATE: '1000',
    };
    const localDir = await mkdtemp(join(tmpdir(), 'chat-attachments-'));
    cleanUps.push(() => rm(localDir, { recursive: true, force: true }));
    const local = await startTestApi({
      name: 'api-e2e-attachments',
      env: { ...common, DATA_DIR: localDir },
    });
    cleanUps.push(() => local.cleanUp());
    deployments.push({
      name: 'a folder under DATA_DIR',
      run: local,
      dataDir: localDir,
      holds: (key) =>
        readdir(join(localDir, 'attachments')).then(
          (names) => names.includes(key),
          () => false,
        ),
    });

    const s3Dir = await mkdtemp(join(tmpdir(), 'chat-s3rver-'));
    cleanUps.push(() => rm(s3Dir, { recursive: true, force: true }));
    s3server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: s3Dir,
      configureBuckets: [{ name: BUCKET }],
    });
    const { port } = await s3server.run();
    const endpoint = `http://127.0.0.1:${port}`;
    s3 = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const bucketDataDir = await mkdtemp(join(tmpdir(), 'chat-attachments-s3-'));
    cleanUps.push(() => rm(bucketDataDir, { recursive: true, force: true }));
    const bucketed = await startTestApi({
      name: 'api-e2e-attachments-s3',
      env: {
        ...common,
        ...S3_KEYS,
        DATA_DIR: bucketDataDir,
        UPLOAD_RATE: String(UPLOAD_RATE),
        UPLOAD_QUOTA_MB: '1',
        S3_BUCKET: BUCKET,
        S3_ENDPOINT: endpoint,
        S3_REGION: 'us-east-1',
        S3_FORCE_PATH_STYLE: 'true',
      },
    });
    cleanUps.push(() => bucketed.cleanUp());
    const client = s3;
    deployments.push({
      name: 'an S3 bucket (s3rver)',
      run: bucketed,
      dataDir: bucketDataDir,
      holds: (key) =>
        client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(
          () => true,
          () => false,
        ),
    });
  }, 120_000);

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    for (const cleanUp of cleanUps.reverse()) await cleanUp();
    s3?.destroy();
    await s3server?.close();
  }, 60_000);

  const deployment = (index: number): Deployment => {
    const found = deployments[index];
    if (!found) throw new Error('the API did not start');
    return found;
  };

  async function sql<T>(run: TestApiRun, text: string, values: unknown[] = []): Promise<T[]> {
    if (!run.database)
      throw new Error('these tests read the database: run with a local PostgreSQL');
    const client = new Client({ connectionString: run.database.url });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as T[];
    } finally {
      await client.end();
    }
  }

  describe.each([0, 1])('stored in deployment %i', (index) => {
    it('an upload is a photo with its orientation applied and no EXIF or GPS left in what is served', async () => {
      const { run, holds, name } = deployment(index);
      const [ada, bob] = [await register(run), await register(run)];
      const chat = await directChat(run, ada, bob);

      const res = await upload(run, ada, chat.id, await photoWithGps(), 'beach.jpg', 'image/jpeg');

      expect(res.status).toBe(201);
      const attachment = res.body as Attachment;
      expect(attachment).toEqual({
        id: expect.any(String),
        name: 'beach.jpg',
        size: expect.any(Number),
        mime: 'image/jpeg',
        kind: 'image',
        width: 32,
        height: 64,
        url: expect.stringMatching(/^\/api\/attachments\/[0-9a-f-]{36}\/original\?exp=\d+&sig=/),
        thumbnailUrl: expect.stringMatching(/\/thumbnail\?exp=\d+&sig=/),
      });
      expect([name, await holds(attachment.id), await holds(`${attachment.id}.thumb`)]).toEqual([
        name,
        true,
        true,
      ]);

      const original = await fetchFile(run, attachment.url);
      expect(original.status).toBe(200);
      expect(original.headers['content-type']).toBe('image/jpeg');
      expect(original.headers['x-content-type-options']).toBe('nosniff');
      expect(original.headers['content-security-policy']).toMatch(/^sandbox/);
      expect(original.headers['content-disposition']).toMatch(/^inline;/);
      const body = original.body as Buffer;
      expect(body.length).toBe(attachment.size);
      const served = await sharp(body).metadata();
      expect([served.width, served.height, served.exif, served.orientation]).toEqual([
        32,
        64,
        undefined,
        undefined,
      ]);
      expect(body.includes(Buffer.from('LeakyCam'))).toBe(false);

      const thumb = await fetchFile(run, attachment.thumbnailUrl ?? '');
      expect(thumb.headers['content-type']).toBe('image/webp');
      const thumbnail = await sharp(thumb.body as Buffer).metadata();
      expect([thumbnail.format, thumbnail.width, thumbnail.height, thumbnail.exif]).toEqual([
        'webp',
        32,
        64,
        undefined,
      ]);
    });

    it('a message carries its files to every member, over the socket and REST, with fresh URLs, and deleting it deletes them', async () => {
      const { run, holds } = deployment(index);
      const [ada, bob] = [await register(run), await register(run)];
      const chat = await directChat(run, ada, bob);
      const picture = await uploaded(run, ada, chat.id, await png(400, 100), 'wide.png');
      const notes = await uploaded(run, ada, chat.id, Buffer.from('plain notes\n'), 'notes.txt');
      expect([picture.kind, picture.width, picture.height, notes.kind, notes.mime]).toEqual([
        'image',
        400,
        100,
        'file',
        'text/plain',
      ]);
      const { socket } = await connectSession(run.api.baseUrl, bob.token);
      sockets.push(socket);
      const { socket: adaSocket } = await connectSession(run.api.baseUrl, ada.token);
      sockets.push(adaSocket);
      const heard = nextEvent(socket, 'message:new');

      const ack = await emitAck(adaSocket, 'message:send', {
        chatId: chat.id,
        content: '',
        clientId: randomUUID(),
        attachmentIds: [notes.id, picture.id],
      });

      const sent = ackData(ack);
      expect(sent.content).toBe('');
      expect(sent.attachments.map((a) => [a.id, a.name])).toEqual([
        [notes.id, 'notes.txt'],
        [picture.id, 'wide.png'],
      ]);
      const broadcast = await heard;
      expect(broadcast.attachments.map((a) => a.id)).toEqual([notes.id, picture.id]);
      const [read] = (await history(run, bob, chat.id)).slice(-1);
      expect(read?.attachments.map((a) => a.id)).toEqual([notes.id, picture.id]);
      const fromHistory = read?.attachments[1] as Attachment;
      expect((await fetchFile(run, fromHistory.url)).status).toBe(200);
      const thumb = await fetchFile(run, fromHistory.thumbnailUrl ?? '');
      expect((await sharp(thumb.body as Buffer).metadata()).width).toBe(320);

      // Used once: no second message may take them.
      const again = await send(run, ada, chat.id, { attachmentIds: [picture.id] });
      expectApiError(again, 400, 'invalid');
      expect((again.body as { message: string }).message).toMatch(/attachmentIds/);

      const deleted = await emitAck(adaSocket, 'message:delete', {
        chatId: chat.id,
        messageId: sent.id,
      });
      expect(ackData(deleted).attachments).toEqual([]);
      await waitFor(
        "the message's files removed",
        async () => !(await holds(picture.id)) && !(await holds(notes.id)),
        5000,
      );
      expect(await holds(`${picture.id}.thumb`)).toBe(false);
      expect((await fetchFile(run, fromHistory.url)).status).toBe(404);
    });

    it('an upload no message used is deleted after 24 hours, files and all', async () => {
      const { run, holds } = deployment(index);
      const ada = await register(run);
      const kept = await uploaded(run, ada, 'all', Buffer.from('fresh'), 'fresh.txt');
      const stale = await uploaded(run, ada, 'all', await png(8, 8), 'stale.png');
      await sql(
        run,
        `UPDATE attachments SET created_at = now() - interval '25 hours' WHERE id = $1`,
        [stale.id],
      );

      await waitFor('the stale upload swept', async () => !(await holds(stale.id)), 5000);

      expect(await holds(`${stale.id}.thumb`)).toBe(false);
      expect(await sql(run, `SELECT id FROM attachments WHERE id = $1`, [stale.id])).toEqual([]);
      expect(await holds(kept.id)).toBe(true);
      const late = await send(run, ada, 'all', { attachmentIds: [stale.id] });
      expectApiError(late, 400, 'invalid');
    });
  });

  describe('sending', () => {
    it('takes only uploads of the sender to that chat, else invalid and nothing is stored', async () => {
      const { run } = deployment(0);
      const [ada, bob, eve] = [await register(run), await register(run), await register(run)];
      const chat = await directChat(run, ada, bob);
      const bobs = await uploaded(run, bob, chat.id, Buffer.from('bob'), 'b.txt');
      const elsewhere = await uploaded(run, ada, 'all', Buffer.from('all'), 'a.txt');
      const before = (await history(run, ada, chat.id)).length;

      for (const attachmentIds of [[bobs.id], [elsewhere.id], [randomUUID()]]) {
        const res = await send(run, ada, chat.id, { content: 'see attached', attachmentIds });
        expectApiError(res, 400, 'invalid');
      }
      const { socket } = await connectSession(run.api.baseUrl, ada.token);
      sockets.push(socket);
      const ack = await emitRaw(socket, 'message:send', {
        chatId: chat.id,
        content: '',
        clientId: randomUUID(),
        attachmentIds: [bobs.id],
      });
      expect(ack).toEqual({ ok: false, error: { code: 'invalid', message: expect.any(String) } });
      expect((await history(run, ada, chat.id)).length).toBe(before);

      const tooMany = await send(run, ada, chat.id, {
        attachmentIds: Array.from({ length: 11 }, () => randomUUID()),
      });
      expect(expectApiError(tooMany, 400, 'invalid').message).toMatch(/attachmentIds/);
      const empty = await send(run, ada, chat.id, { content: ' ', attachmentIds: [] });
      expect(expectApiError(empty, 400, 'invalid').message).toMatch(/content/);

      // Bob's upload, sent by Bob with text: fine; then again with the same clientId: the same.
      const clientId = randomUUID();
      const first = await send(run, bob, chat.id, {
        content: 'mine',
        attachmentIds: [bobs.id],
        clientId,
      });
      const repeat = await send(run, bob, chat.id, {
        content: 'mine',
        attachmentIds: [bobs.id],
        clientId,
      });
      expect([first.status, repeat.status]).toEqual([201, 200]);
      expect((repeat.body as Message).attachments.map((a) => a.id)).toEqual([bobs.id]);

      // Eve is no member: she cannot upload there, nor read its files' URLs.
      expectApiError(await upload(run, eve, chat.id, Buffer.from('x')), 403, 'forbidden');
      const eveReads = await on(run)
        .get(`/api/chats/${encodeURIComponent(chat.id)}/messages`)
        .set(bearer(eve.token));
      expectApiError(eveReads, 403, 'forbidden');
    });
  });

  it('a member who left a group gets no more of its files: no history, no uploads, no sends', async () => {
    const { run } = deployment(0);
    const [ada, bob] = [await register(run), await register(run)];
    const created = await on(run)
      .post('/api/chats')
      .set(bearer(ada.token))
      .send({ title: 'Photos', memberIds: [bob.id] });
    expect(created.status).toBe(201);
    const groupId = (created.body as { id: string }).id;
    const kept = await uploaded(run, bob, groupId, await png(20, 20), 'kept.png');
    const sent = await send(run, ada, groupId, {
      attachmentIds: [(await uploaded(run, ada, groupId, await png(10, 10), 'a.png')).id],
    });
    expect(sent.status).toBe(201);
    const [seen] = (await history(run, bob, groupId)).slice(-1);
    expect(seen?.attachments).toHaveLength(1);

    const left = await on(run)
      .delete(`/api/chats/${encodeURIComponent(groupId)}/members/${bob.id}`)
      .set(bearer(bob.token));
    expect(left.status).toBe(204);

    const reads = await on(run)
      .get(`/api/chats/${encodeURIComponent(groupId)}/messages`)
      .set(bearer(bob.token));
    expectApiError(reads, 403, 'forbidden');
    expectApiError(await upload(run, bob, groupId, Buffer.from('x')), 403, 'forbidden');
    expectApiError(await send(run, bob, groupId, { attachmentIds: [kept.id] }), 403, 'forbidden');
  });

  describe('serving', () => {
    const HOSTILE: [string, () => Promise<Buffer> | Buffer, string, string, string][] = [
      [
        'an HTML page',
        () => Buffer.from('<!doctype html><script>alert(1)</script>'),
        'page.html',
        'text/html',
        'text/plain',
      ],
      [
        'an SVG with a script',
        () =>
          Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        'logo.svg',
        'image/svg+xml',
        'application/xml',
      ],
      [
        'a 0-byte file',
        () => Buffer.alloc(0),
        'empty.png',
        'image/png',
        'application/octet-stream',
      ],
      [
        'an HTML page that says it is a PNG',
        () => Buffer.from('<html><body onload="alert(1)">hi</body></html>'),
        'cat.png',
        'image/png',
        'text/plain',
      ],
      [
        'a PDF',
        () => Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
        'r.pdf',
        'text/plain',
        'application/pdf',
      ],
    ];

    it.each(HOSTILE)(
      '%s is stored by its bytes and served only as a download',
      async (_case, make, filename, claimed, detected) => {
        const { run } = deployment(0);
        const ada = await register(run);
        const bytes = await make();

        const attachment = await uploaded(run, ada, 'all', bytes, filename, claimed);

        expect([attachment.kind, attachment.thumbnailUrl, attachment.width]).toEqual([
          'file',
          null,
          null,
        ]);
        // file-type names XML (SVG included) by its bytes, text without a signature is text/plain.
        expect(
          attachment.mime === detected ||
            (detected === 'application/xml' && attachment.mime === 'text/plain'),
        ).toBe(true);
        const res = await fetchFile(run, attachment.url);
        expect(res.status).toBe(200);
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['content-security-policy']).toMatch(/^sandbox/);
        expect(res.headers['content-disposition']).toMatch(/^attachment;/);
        expect(res.headers['content-type']).not.toMatch(/html|svg|xml|text\//);
        expect(res.body).toEqual(bytes);
      },
    );

    it('a JPEG with an HTML page inside is served as a clean re-encoded image', async () => {
      const { run } = deployment(0);
      const ada = await register(run);
      const html = Buffer.from('<html><script>alert(document.cookie)</script></html>');
      const polyglot = Buffer.concat([await photoWithGps(), html]);

      const attachment = await uploaded(run, ada, 'all', polyglot, 'x.html', 'text/html');

      expect([attachment.mime, attachment.kind]).toEqual(['image/jpeg', 'image']);
      const res = await fetchFile(run, attachment.url);
      expect(res.headers['content-type']).toBe('image/jpeg');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect((res.body as Buffer).includes(Buffer.from('<script>'))).toBe(false);
    });

    it('file names keep their words, lose paths and control characters, and download intact in Ukrainian', async () => {
      const { run } = deployment(0);
      const ada = await register(run);
      const sneaky = await uploaded(
        run,
        ada,
        'all',
        Buffer.from('x'),
        '..\\..\\etc/pass\twd\u202Egnp.exe',
      );
      expect(sneaky.name).toBe('passwdgnp.exe');

      const report = await uploaded(run, ada, 'all', Buffer.from('звіт'), 'Звіт за березень.txt');
      expect(report.name).toBe('Звіт за березень.txt');
      const res = await fetchFile(run, report.url);
      const disposition = String(res.headers['content-disposition']);
      const encoded = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1] ?? '';
      expect(decodeURIComponent(encoded)).toBe('Звіт за березень.txt');
      expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+";/);
    });

    it('answers ranges with 206 and a range past the end with 416', async () => {
      const { run } = deployment(1);
      const ada = await register(run);
      const bytes = randomBytes(100_000);
      const { url } = await uploaded(run, ada, 'all', bytes, 'data.bin');

      const part = await fetchFile(run, url, { Range: 'bytes=1000-1999' });
      expect([part.status, part.headers['content-range']]).toEqual([206, 'bytes 1000-1999/100000']);
      expect(part.body).toEqual(bytes.subarray(1000, 2000));
      const tail = await fetchFile(run, url, { Range: 'bytes=-10' });
      expect(tail.body).toEqual(bytes.subarray(-10));
      const past = await fetchFile(run, url, { Range: 'bytes=100000-' });
      expect([past.status, past.headers['content-range']]).toEqual([416, 'bytes */100000']);
    });

    it('refuses tampered, expired and swapped signatures with 403', async () => {
      const { run } = deployment(0);
      const ada = await register(run);
      const { url, id } = await uploaded(run, ada, 'all', await png(10, 10), 'p.png');
      const parsed = new URL(url, 'http://x');
      const exp = parsed.searchParams.get('exp') ?? '';
      const sig = parsed.searchParams.get('sig') ?? '';
      const flipped = `${sig.slice(0, -2)}${sig.endsWith('AA') ? 'AB' : 'AA'}`;

      const urls = [
        `/api/attachments/${id}/original?exp=${exp}&sig=${flipped}`,
        `/api/attachments/${id}/original?exp=${Number(exp) + 3600}&sig=${sig}`,
        `/api/attachments/${id}/thumbnail?exp=${exp}&sig=${sig}`,
        `/api/attachments/${randomUUID()}/original?exp=${exp}&sig=${sig}`,
        `/api/attachments/${id}/original?exp=${Math.floor(Date.now() / 1000) - 1}&sig=${sig}`,
      ];
      for (const tampered of urls) expectApiError(await fetchFile(run, tampered), 403, 'forbidden');
      expect((await fetchFile(run, url)).status).toBe(200);
    });
  });

  describe('limits', () => {
    it(`refuses a file over MAX_UPLOAD_MB with 413 while it streams, and keeps nothing`, async () => {
      const { run, dataDir } = deployment(0);
      const ada = await register(run);
      const before = await sql<{ n: number }>(run, `SELECT count(*)::int AS n FROM attachments`);

      const res = await upload(
        run,
        ada,
        'all',
        randomBytes(MAX_UPLOAD_MB * 1024 * 1024 + 1),
        'big.bin',
      );

      expectApiError(res, 413, 'invalid');
      expect(await sql(run, `SELECT count(*)::int AS n FROM attachments`)).toEqual(before);
      await waitFor(
        'the partial upload removed',
        async () => (await readdir(join(dataDir, 'uploads'))).length === 0,
        3000,
      );
      const exact = await upload(
        run,
        ada,
        'all',
        randomBytes(MAX_UPLOAD_MB * 1024 * 1024),
        'fits.bin',
      );
      expect(exact.status).toBe(201);
    });

    it('limits uploads per user per minute and bytes per user per day with 429 and Retry-After', async () => {
      const { run } = deployment(1);
      const [ada, bob] = [await register(run), await register(run)];
      for (let i = 0; i < UPLOAD_RATE; i++) {
        expect((await upload(run, ada, 'all', Buffer.from(`n${i}`), `${i}.txt`)).status).toBe(201);
      }
      const fast = await upload(run, ada, 'all', Buffer.from('one more'), 'more.txt');
      expectApiError(fast, 429, 'rate_limited');
      expect(Number(fast.headers['retry-after'])).toBeGreaterThan(0);

      const full = await upload(run, bob, 'all', randomBytes(1024 * 1024), 'full.bin');
      expect(full.status).toBe(201);
      const over = await upload(run, bob, 'all', Buffer.from('x'), 'x.txt');
      expectApiError(over, 429, 'rate_limited');
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(3600);
    });

    it('refuses a multipart body without a file part, and any other body type', async () => {
      const { run } = deployment(0);
      const ada = await register(run);
      const field = await on(run)
        .post('/api/chats/all/attachments')
        .set(bearer(ada.token))
        .field('note', 'x');
      expect(expectApiError(field, 400, 'invalid').message).toMatch(/note|file/);
      const json = await on(run)
        .post('/api/chats/all/attachments')
        .set(bearer(ada.token))
        .send({ file: 'x' });
      expectApiError(json, 415, 'invalid');
    });
  });
});
