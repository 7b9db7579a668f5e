import { HttpEventType } from '@angular/common/http';
import type { TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { Attachment, HistoryPage, Message } from '@chat/shared-types';
import { BOB, DM_BOB, ME, message, settle } from '../../../../testing/chat-testing';
import { setUpMessaging, type MessagingTestContext } from '../../../../testing/messaging-testing';
import type { MessagesStore } from '../data/messages.store';
import type { SendQueue } from '../data/send-queue.service';
import { isExpired } from './file-format';
import { RETRY_FIRST_MS, UploadQueue } from './upload-queue.service';

const UPLOAD_URL = `/api/chats/${encodeURIComponent(DM_BOB)}/attachments`;

/** The item at `index`, which the test expects to be there. */
function nth<T>(list: readonly T[], index = 0): T {
  const item = list[index];
  if (item === undefined) throw new Error(`expected an item at ${index} of ${list.length}`);
  return item;
}

function fileOf(name: string, bytes: number, type = 'application/pdf'): File {
  return new File([new Uint8Array(bytes)], name, { type });
}

function attachmentFor(file: File, id: string): Attachment {
  const image = file.type.startsWith('image/');
  return {
    id,
    name: file.name,
    size: file.size,
    mime: file.type,
    kind: image ? 'image' : 'file',
    width: image ? 640 : null,
    height: image ? 480 : null,
    url: `/api/attachments/${id}/original?exp=${Math.floor(Date.now() / 1000) + 7200}&sig=s`,
    thumbnailUrl: image ? `/api/attachments/${id}/thumbnail?exp=1&sig=s` : null,
  };
}

describe('UploadQueue (files sent with a message)', () => {
  let ctx: MessagingTestContext;
  let uploads: UploadQueue;
  let queue: SendQueue;
  let store: MessagesStore;

  const uploadRequests = (): TestRequest[] =>
    ctx.http.match((r) => r.method === 'POST' && r.url === UPLOAD_URL);
  const sends = () => ctx.socket.sentOf('message:send');
  const statuses = () => uploads.uploads().map((u) => [u.file.name, u.status]);

  function answerHistory(page: HistoryPage): void {
    for (const request of ctx.historyRequests(DM_BOB)) request.flush(page);
  }

  /** Answers an upload request as the API does: 201 with the stored Attachment. */
  function stored(request: TestRequest, id: string): void {
    request.flush(attachmentFor(request.request.body.get('file') as File, id), {
      status: 201,
      statusText: 'Created',
    });
  }

  beforeEach(async () => {
    ctx = setUpMessaging();
    ({ queue, store } = ctx);
    uploads = TestBed.inject(UploadQueue);
    const opened = store.open(DM_BOB);
    answerHistory({ messages: [], hasMore: false });
    await opened;
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('uploads each file as it is picked, reporting the bytes sent', () => {
    uploads.add(DM_BOB, [fileOf('report.pdf', 1000)]);
    const request = nth(uploadRequests());
    expect(request.request.body.get('file').name).toBe('report.pdf');
    expect(request.request.reportProgress).toBe(true);

    request.event({ type: HttpEventType.UploadProgress, loaded: 400, total: 1000 });
    expect(nth(uploads.draftIn(DM_BOB))).toMatchObject({ status: 'uploading', sent: 400 });

    stored(request, 'a1');
    expect(nth(uploads.draftIn(DM_BOB))).toMatchObject({ status: 'done', sent: 1000 });
    expect(nth(uploads.draftIn(DM_BOB)).attachment?.id).toBe('a1');
  });

  it('sends the message only when every file is uploaded, with their ids in the order picked', async () => {
    uploads.add(DM_BOB, [fileOf('one.pdf', 10), fileOf('two.png', 20, 'image/png')]);
    const requests = uploadRequests();
    const first = nth(requests, 0);
    const second = nth(requests, 1);
    expect(queue.send(DM_BOB, 'the slides', null, true).ok).toBe(true);

    const line = store.conversation(DM_BOB, ME)().at(-1);
    expect(line).toMatchObject({ content: 'the slides', delivery: 'pending', withFiles: true });
    expect(uploads.draftIn(DM_BOB)).toEqual([]);

    stored(second, 'a2');
    await settle();
    expect(sends()).toHaveLength(0);

    stored(first, 'a1');
    await settle();
    expect(sends()).toHaveLength(1);
    const packet = ctx.socket.sentAt('message:send', 0);
    expect(packet.payload).toMatchObject({ content: 'the slides', attachmentIds: ['a1', 'a2'] });

    const clientId = (packet.payload as { clientId: string }).clientId;
    packet.ack({ ok: true, data: message(DM_BOB, ME, { content: 'the slides', clientId }) });
    await settle();
    expect(queue.outgoing()).toEqual([]);
    expect(uploads.uploads()).toEqual([]);
  });

  it('sends a message of files alone, with no caption', async () => {
    uploads.add(DM_BOB, [fileOf('scan.pdf', 10)]);
    expect(queue.send(DM_BOB, '   ', null, true).ok).toBe(true);
    stored(nth(uploadRequests()), 'a1');
    await settle();
    expect(ctx.socket.sentAt('message:send', 0).payload).toMatchObject({
      content: '',
      attachmentIds: ['a1'],
    });
  });

  it('lets a text message typed later go ahead of one still uploading', async () => {
    uploads.add(DM_BOB, [fileOf('big.pdf', 10)]);
    queue.send(DM_BOB, 'with a file', null, true);
    queue.send(DM_BOB, 'just text');
    await settle();
    expect(sends().map((p) => (p.payload as { content: string }).content)).toEqual(['just text']);
  });

  it('cancels an upload under way: the request is aborted and the file is gone', () => {
    uploads.add(DM_BOB, [fileOf('keep.pdf', 10), fileOf('drop.pdf', 10)]);
    const dropping = nth(uploadRequests(), 1);
    uploads.cancel(nth(uploads.draftIn(DM_BOB), 1).id);
    expect(dropping.cancelled).toBe(true);
    expect(statuses()).toEqual([['keep.pdf', 'uploading']]);
  });

  it('drops a caption-less message whose every file was cancelled, and sends nothing', async () => {
    uploads.add(DM_BOB, [fileOf('oops.pdf', 10)]);
    queue.send(DM_BOB, '', null, true);
    const upload = nth(uploads.uploads());
    uploads.cancel(upload.id);
    await settle();
    expect(queue.outgoing()).toEqual([]);
    expect(sends()).toHaveLength(0);
  });

  it("shows the API's reason when it refuses a file, and uploads it again on retry", async () => {
    uploads.add(DM_BOB, [fileOf('huge.pdf', 10), fileOf('fast.pdf', 10)]);
    const requests = uploadRequests();
    const huge = nth(requests, 0);
    const fast = nth(requests, 1);
    huge.flush(
      { statusCode: 413, error: 'invalid', message: 'file: larger than 25 MB' },
      { status: 413, statusText: 'Payload Too Large' },
    );
    fast.flush(
      { statusCode: 429, error: 'rate_limited', message: 'Too many uploads; wait a moment' },
      { status: 429, statusText: 'Too Many Requests' },
    );
    expect(uploads.draftIn(DM_BOB).map((u) => [u.status, u.error])).toEqual([
      ['failed', 'Too large (over 25 MB)'],
      ['failed', 'Too many uploads; wait a moment'],
    ]);

    queue.send(DM_BOB, 'two files', null, true);
    await settle();
    expect(sends()).toHaveLength(0);

    const retried = nth(uploads.uploads(), 1);
    uploads.retry(retried.id);
    stored(nth(uploadRequests()), 'a2');
    uploads.cancel(nth(uploads.uploads()).id);
    await settle();
    expect(ctx.socket.sentAt('message:send', 0).payload).toMatchObject({
      content: 'two files',
      attachmentIds: ['a2'],
    });
  });

  it('restarts uploads when the browser is back online, and only then sends the message', async () => {
    uploads.add(DM_BOB, [fileOf('trip.jpg', 500, 'image/jpeg')]);
    const cut = nth(uploadRequests());
    cut.event({ type: HttpEventType.UploadProgress, loaded: 300, total: 500 });
    queue.send(DM_BOB, 'from the trip', null, true);

    window.dispatchEvent(new Event('offline'));
    expect(cut.cancelled).toBe(true);
    expect(nth(uploads.uploads())).toMatchObject({ status: 'offline', sent: 0 });
    await settle();
    expect(sends()).toHaveLength(0);

    window.dispatchEvent(new Event('online'));
    ctx.socket.serverAccepts();
    const again = nth(uploadRequests());
    expect(again.request.body.get('file').name).toBe('trip.jpg');
    stored(again, 'a1');
    await settle();
    expect(ctx.socket.sentAt('message:send', 0).payload).toMatchObject({ attachmentIds: ['a1'] });
  });

  it('tries again by itself after a dropped connection, with no online event', async () => {
    vi.useFakeTimers();
    uploads.add(DM_BOB, [fileOf('notes.pdf', 10)]);
    nth(uploadRequests()).error(new ProgressEvent('error'), { status: 0 });
    expect(nth(uploads.uploads())).toMatchObject({
      status: 'offline',
      error: 'Waiting for the connection…',
    });
    expect(uploadRequests()).toHaveLength(0);

    vi.advanceTimersByTime(RETRY_FIRST_MS);
    const again = nth(uploadRequests());
    stored(again, 'a1');
    expect(nth(uploads.uploads()).status).toBe('done');
  });

  it('keeps a message with files pending across a reconnection, and sends it once', async () => {
    uploads.add(DM_BOB, [fileOf('doc.pdf', 10)]);
    queue.send(DM_BOB, 'doc', null, true);
    stored(nth(uploadRequests()), 'a1');
    await settle();
    ctx.socket.drop();
    await settle();
    expect(store.conversation(DM_BOB, ME)().at(-1)?.delivery).toBe('pending');

    ctx.socket.serverAccepts();
    await settle();
    const resent = sends().at(-1);
    expect(resent?.payload).toMatchObject({ content: 'doc', attachmentIds: ['a1'] });
  });

  it('refreshes expired URLs of a message through the page around it', async () => {
    const expired: Attachment = {
      ...attachmentFor(fileOf('old.png', 10, 'image/png'), 'a9'),
      url: '/api/attachments/a9/original?exp=1000&sig=old',
      thumbnailUrl: '/api/attachments/a9/thumbnail?exp=1000&sig=old',
    };
    const held: Message = message(DM_BOB, BOB, { content: '', attachments: [expired] });
    const later = Math.floor(Date.now() / 1000) + 7200;
    ctx.socket.push('message:new', held);
    expect(isExpired(expired.url)).toBe(true);

    const refreshed = store.refreshAttachments(DM_BOB, held.id);
    const request = nth(ctx.historyRequests(DM_BOB));
    expect(request.request.params.get('around')).toBe(held.id);
    const fresh = {
      ...expired,
      url: `/api/attachments/a9/original?exp=${later}&sig=new`,
      thumbnailUrl: `/api/attachments/a9/thumbnail?exp=${later}&sig=new`,
    };
    request.flush({ messages: [{ ...held, attachments: [fresh] }], hasMore: true });
    expect(await refreshed).toEqual([fresh]);

    const shown = store
      .conversation(DM_BOB, ME)()
      .find((entry) => entry.id === held.id);
    const url = nth(shown?.attachments ?? []).url;
    expect(url).toBe(fresh.url);
    expect(isExpired(url)).toBe(false);
  });
});
