import type { Attachment, AuthResult, Chat, Message } from '@chat/shared-types';
import { randomPassword, testUserOf, type TestApiRun, type TestUser } from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import request from 'supertest';
import { bearer } from '../support/http';
import { uniqueLogin } from '../support/users';

/** A supertest client for one of this file's API instances. */
export const on = (run: TestApiRun) => request(run.api.baseUrl);

export async function register(run: TestApiRun): Promise<TestUser> {
  const login = uniqueLogin();
  const password = randomPassword(6);
  const res = await on(run)
    .post('/api/auth/register')
    .send({ login, fullName: `User ${login}`, password });
  if (res.status !== 201) throw new Error(`register answered ${res.status}`);
  return testUserOf(res.body as AuthResult, password);
}

export async function directChat(run: TestApiRun, from: TestUser, peer: TestUser): Promise<Chat> {
  const res = await on(run).post('/api/chats').set(bearer(from.token)).send({ peerId: peer.id });
  if (res.status !== 201 && res.status !== 200) throw new Error(`chat answered ${res.status}`);
  return res.body as Chat;
}

/** POST /api/chats/:id/attachments with `bytes` as the `file` part. */
export function upload(
  run: TestApiRun,
  user: TestUser,
  chatId: string,
  bytes: Buffer,
  filename = 'file.bin',
  contentType = 'application/octet-stream',
) {
  return on(run)
    .post(`/api/chats/${encodeURIComponent(chatId)}/attachments`)
    .set(bearer(user.token))
    .attach('file', bytes, { filename, contentType });
}

export async function uploaded(
  run: TestApiRun,
  user: TestUser,
  chatId: string,
  bytes: Buffer,
  filename?: string,
  contentType?: string,
): Promise<Attachment> {
  const res = await upload(run, user, chatId, bytes, filename, contentType);
  if (res.status !== 201)
    throw new Error(`upload answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Attachment;
}

export function send(
  run: TestApiRun,
  user: TestUser,
  chatId: string,
  body: { content?: string; attachmentIds?: string[]; clientId?: string },
) {
  return on(run)
    .post(`/api/chats/${encodeURIComponent(chatId)}/messages`)
    .set(bearer(user.token))
    .send({ content: '', clientId: randomUUID(), ...body });
}

export async function history(run: TestApiRun, user: TestUser, chatId: string): Promise<Message[]> {
  const res = await on(run)
    .get(`/api/chats/${encodeURIComponent(chatId)}/messages`)
    .set(bearer(user.token));
  if (res.status !== 200) throw new Error(`history answered ${res.status}`);
  return (res.body as { messages: Message[] }).messages;
}

/** GET a signed URL, without Authorization: the file as bytes (an error as its JSON body). */
export function fetchFile(run: TestApiRun, url: string, headers: Record<string, string> = {}) {
  return on(run)
    .get(url)
    .set(headers)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const json = /^application\/json/.test(String(res.headers['content-type']));
        done(null, json ? (JSON.parse(bytes.toString('utf8')) as unknown) : bytes);
      });
    });
}

/**
 * A 64x32 JPEG photographed "sideways" (EXIF orientation 6: shown 32x64) with a camera make
 * and a GPS position in its EXIF.
 */
export function photoWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 32, channels: 3, background: '#c33' } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: 'LeakyCam' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '50/1 27/1 0/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '30/1 31/1 0/1',
      },
    })
    .toBuffer();
}

export function png(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: '#36c' } })
    .png()
    .toBuffer();
}
