import { startTestApi, type TestApiRun } from '@chat/test-harness';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { log } from './bench';
import { rssKiB } from './proc';

/** One size of W8: `files` uploads of `sizeMb` each, `concurrency` at a time. */
export interface UploadRun {
  sizeMb: number;
  files: number;
  concurrency: number;
  seconds: number;
  mbPerSecond: number;
  filesPerSecond: number;
  /** The API process's resident memory: before the run, and the most sampled during it. */
  rssBeforeMiB: number;
  rssPeakMiB: number;
  failed: number;
}

export interface UploadResults {
  storage: string;
  runs: UploadRun[];
}

export interface UploadScale {
  sizesMb: number[];
  files: number;
  concurrency: number;
}

export const UPLOADS_FULL: UploadScale = { sizesMb: [1, 20], files: 40, concurrency: 4 };
export const UPLOADS_SMOKE: UploadScale = { sizesMb: [1, 2], files: 4, concurrency: 4 };

/**
 * W8 uploads: POST /api/chats/all/attachments with random bytes (stored as a `file`, no image
 * decoding) on an API of its own, its files in a folder under DATA_DIR; throughput, and the
 * API's peak RSS sampled every 20 ms, which is what streaming keeps flat: a 20 MB upload must
 * not cost the process 20 MB.
 */
export async function runW8(scale: UploadScale): Promise<UploadResults> {
  const dataDir = await mkdtemp(join(tmpdir(), 'chat-bench-uploads-'));
  let run: TestApiRun | null = null;
  try {
    run = await startTestApi({
      name: 'bench-uploads',
      env: {
        NODE_ENV: 'production',
        DATA_DIR: dataDir,
        MAX_UPLOAD_MB: '25',
        UPLOAD_RATE: '100000',
        UPLOAD_QUOTA_MB: '1000000',
        LOG_LEVEL: 'warn',
      },
    });
    const pid = run.api.pid;
    if (!pid) throw new Error('the uploads API has no pid');
    const base = new URL(run.api.baseUrl);
    const token = await registerToken(base);
    const runs: UploadRun[] = [];
    for (const sizeMb of scale.sizesMb) {
      const body = randomBytes(sizeMb * 1024 * 1024);
      global.gc?.();
      const rssBefore = rssKiB(pid);
      let peak = rssBefore;
      const sampler = setInterval(() => (peak = Math.max(peak, rssKiB(pid))), 20);
      let next = 0;
      let failed = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: scale.concurrency }, async () => {
          while (next < scale.files) {
            next++;
            if ((await upload(base, token, body)) !== 201) failed++;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      peak = Math.max(peak, rssKiB(pid));
      runs.push({
        sizeMb,
        files: scale.files,
        concurrency: scale.concurrency,
        seconds,
        mbPerSecond: (sizeMb * scale.files) / seconds,
        filesPerSecond: scale.files / seconds,
        rssBeforeMiB: rssBefore / 1024,
        rssPeakMiB: peak / 1024,
        failed,
      });
      log(
        `W8 ${sizeMb} MB x ${scale.files} at c=${scale.concurrency}: ${((sizeMb * scale.files) / seconds).toFixed(1)} MB/s, API RSS ${(rssBefore / 1024).toFixed(0)} → peak ${(peak / 1024).toFixed(0)} MiB, ${failed} failed`,
      );
    }
    return { storage: 'a folder under DATA_DIR', runs };
  } finally {
    await run?.cleanUp();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function registerToken(base: URL): Promise<string> {
  const login = `bench_up_${randomBytes(4).toString('hex')}`;
  const body = JSON.stringify({ login, fullName: 'Bench Uploader', password: 'bench-password-1' });
  const answer = await send(base, '/api/auth/register', 'application/json', [Buffer.from(body)]);
  return (JSON.parse(answer.body) as { accessToken: string }).accessToken;
}

function upload(base: URL, token: string, file: Buffer): Promise<number> {
  const boundary = `bench${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="data.bin"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return send(
    base,
    '/api/chats/all/attachments',
    `multipart/form-data; boundary=${boundary}`,
    [head, file, tail],
    token,
  ).then((answer) => answer.status);
}

function send(
  base: URL,
  path: string,
  contentType: string,
  parts: Buffer[],
  token?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        path,
        method: 'POST',
        headers: {
          'Content-Type': contentType,
          'Content-Length': parts.reduce((n, p) => n + p.length, 0),
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    for (const part of parts) req.write(part);
    req.end();
  });
}
