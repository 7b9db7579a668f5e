import busboy from 'busboy';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpStatus } from '@nestjs/common';
import { AppError } from '../common/app-error';

/** What file-type reads to tell a type (its reader's sample size). */
const HEAD_BYTES = 4100;

export interface ReceivedFile {
  /** The bytes as received, in a temporary file the caller removes. */
  path: string;
  size: number;
  /** The name the client gave, unchecked (safeFileName cleans it). */
  name: string;
  /** The first bytes, for content sniffing. */
  head: Buffer;
}

const invalid = (message: string) => new AppError('invalid', message);

/**
 * Streams the one `file` part of a multipart/form-data request to `path` as it arrives, so a
 * 25 MB upload holds a few chunks in memory, never the file. Past `maxBytes` the request is
 * refused with 413 at once and the partial file removed; any other part, a second file or a
 * malformed body is 400, and nothing is kept either.
 */
export function receiveUpload(
  request: IncomingMessage,
  path: string,
  maxBytes: number,
): Promise<ReceivedFile> {
  return new Promise<ReceivedFile>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        // A browser sends the file name as raw UTF-8 (Ukrainian names included).
        defParamCharset: 'utf8',
        // One byte over the limit is enough to know; the counter below refuses it.
        limits: { files: 1, fields: 0, fileSize: maxBytes + 1, headerPairs: 20 },
      });
    } catch {
      reject(invalid('body: multipart/form-data with a boundary is required'));
      return;
    }
    let settled = false;
    let written: Promise<ReceivedFile> | null = null;
    let part: (NodeJS.ReadableStream & { destroy(): void }) | null = null;
    const fail = (error: AppError) => {
      if (settled) return;
      settled = true;
      request.unpipe(parser);
      part?.destroy();
      // Read the rest of the body away (the answer goes out at once, the connection closes).
      request.resume();
      void (written ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => rm(path, { force: true }));
      reject(error);
    };

    parser.on('file', (field, stream, info) => {
      if (field !== 'file') {
        stream.resume();
        fail(invalid(`body: the file part must be named "file", not "${field.slice(0, 50)}"`));
        return;
      }
      part = stream;
      const head: Buffer[] = [];
      let size = 0;
      const tooLarge = () =>
        new AppError('invalid', `file: larger than ${maxBytes / (1024 * 1024)} MB`, {
          status: HttpStatus.PAYLOAD_TOO_LARGE,
        });
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done: TransformCallback) {
          if (size < HEAD_BYTES) head.push(chunk.subarray(0, HEAD_BYTES - size));
          size += chunk.length;
          if (size > maxBytes) {
            fail(tooLarge());
            done(tooLarge());
            return;
          }
          done(null, chunk);
        },
      });
      stream.on('limit', () => fail(tooLarge()));
      written = pipeline(stream, counter, createWriteStream(path, { flags: 'wx' })).then(() => ({
        path,
        size,
        name: info.filename ?? '',
        head: Buffer.concat(head),
      }));
      written.catch(() => undefined);
    });
    parser.on('field', (field) => fail(invalid(`body: unexpected field "${field.slice(0, 50)}"`)));
    parser.on('fieldsLimit', () => fail(invalid('body: only one part, "file", is accepted')));
    parser.on('filesLimit', () => fail(invalid('body: only one file per upload')));
    parser.on('error', () => fail(invalid('body: malformed multipart/form-data')));
    parser.on('close', () => {
      if (settled) return;
      if (!written) {
        fail(invalid('file: a part named "file" is required'));
        return;
      }
      written.then(
        (file) => {
          if (settled) return;
          settled = true;
          resolve(file);
        },
        () => fail(invalid('body: the upload was cut off')),
      );
    });
    request.on('aborted', () => fail(invalid('body: the upload was cut off')));
    request.pipe(parser);
  });
}
