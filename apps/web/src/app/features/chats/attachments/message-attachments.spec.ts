import { TestBed, type ComponentFixture } from '@angular/core/testing';
import type { Attachment, Message } from '@chat/shared-types';
import { BOB, DM_BOB, message, settle } from '../../../../testing/chat-testing';
import { setUpMessaging, type MessagingTestContext } from '../../../../testing/messaging-testing';
import { Composer } from '../components/composer';
import { UploadQueue } from './upload-queue.service';
import { MessageAttachments } from './message-attachments';

const LATER = () => Math.floor(Date.now() / 1000) + 7200;

function photo(id: string, exp: number, width = 1600, height = 1200): Attachment {
  return {
    id,
    name: `${id}.jpg`,
    size: 245_000,
    mime: 'image/jpeg',
    kind: 'image',
    width,
    height,
    url: `/api/attachments/${id}/original?exp=${exp}&sig=a`,
    thumbnailUrl: `/api/attachments/${id}/thumbnail?exp=${exp}&sig=a`,
  };
}

const pdf: Attachment = {
  id: 'f1',
  name: 'minutes.pdf',
  size: 12_800,
  mime: 'application/pdf',
  kind: 'file',
  width: null,
  height: null,
  url: `/api/attachments/f1/original?exp=${LATER()}&sig=a`,
  thumbnailUrl: null,
};

describe('MessageAttachments (files in the timeline)', () => {
  let ctx: MessagingTestContext;
  let fixture: ComponentFixture<MessageAttachments>;
  let element: HTMLElement;

  async function render(held: Message): Promise<void> {
    fixture = TestBed.createComponent(MessageAttachments);
    fixture.componentRef.setInput('chatId', DM_BOB);
    fixture.componentRef.setInput('messageId', held.id);
    fixture.componentRef.setInput('clientId', held.clientId);
    fixture.componentRef.setInput('attachments', held.attachments);
    element = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  }

  beforeEach(async () => {
    ctx = setUpMessaging();
    const opened = ctx.store.open(DM_BOB);
    for (const r of ctx.historyRequests(DM_BOB)) r.flush({ messages: [], hasMore: false });
    await opened;
  });

  it('sizes a photo before it loads, scaled to the timeline and in its proportions', async () => {
    await render(message(DM_BOB, BOB, { attachments: [photo('p1', LATER(), 1600, 1200)] }));
    const img = element.querySelector('img');
    expect(img?.getAttribute('width')).toBe('280');
    expect(img?.getAttribute('height')).toBe('210');
    expect(img?.getAttribute('src')).toContain('/api/attachments/p1/thumbnail');
    expect(element.querySelector('button')?.getAttribute('aria-label')).toBe('Open photo p1.jpg');
  });

  it('shows a file as a download link with its name, size and type', async () => {
    await render(message(DM_BOB, BOB, { attachments: [pdf] }));
    const link = element.querySelector('a');
    expect(link?.getAttribute('download')).toBe('minutes.pdf');
    expect(link?.getAttribute('href')).toBe(pdf.url);
    expect(link?.textContent).toContain('13 KB · Download');
    expect(link?.querySelector('.ext')?.textContent).toBe('PDF');
  });

  it('fetches fresh URLs for a photo whose URL expired, instead of showing a broken image', async () => {
    const stale = message(DM_BOB, BOB, { attachments: [photo('p2', 1_000)] });
    ctx.socket.push('message:new', stale);
    await render(stale);
    expect(element.querySelector('img')).toBeNull();

    const [request] = ctx.historyRequests(DM_BOB);
    expect(request?.request.params.get('around')).toBe(stale.id);
    const fresh = { ...stale, attachments: [photo('p2', LATER())] };
    request?.flush({ messages: [fresh], hasMore: true });
    await settle();
    const held = ctx.store.history(DM_BOB)?.messages.find((m) => m.id === stale.id);
    fixture.componentRef.setInput('attachments', held?.attachments ?? []);
    await fixture.whenStable();
    expect(element.querySelector('img')?.getAttribute('src')).toBe(
      fresh.attachments[0]?.thumbnailUrl,
    );
  });
});

describe('Composer (files)', () => {
  beforeEach(() => setUpMessaging());

  async function composer() {
    const fixture = TestBed.createComponent(Composer);
    fixture.componentRef.setInput('chatId', DM_BOB);
    const attached: File[][] = [];
    fixture.componentInstance.attach.subscribe((files) => attached.push(files));
    await fixture.whenStable();
    return { fixture, attached, element: fixture.nativeElement as HTMLElement };
  }

  it('hands over files pasted into the field, and leaves pasted text alone', async () => {
    const { element, attached } = await composer();
    const field = element.querySelector('textarea') as HTMLTextAreaElement;
    const file = new File(['png'], 'screenshot.png', { type: 'image/png' });
    const withFile = new Event('paste', { cancelable: true }) as ClipboardEvent;
    Object.defineProperty(withFile, 'clipboardData', { value: { files: [file] } });
    field.dispatchEvent(withFile);
    const withText = new Event('paste', { cancelable: true }) as ClipboardEvent;
    Object.defineProperty(withText, 'clipboardData', { value: { files: [] } });
    field.dispatchEvent(withText);

    expect(attached).toEqual([[file]]);
    expect(withFile.defaultPrevented).toBe(true);
    expect(withText.defaultPrevented).toBe(false);
  });

  it('sends files without a caption, but not while one of them was refused', async () => {
    const { fixture, element } = await composer();
    const send = () => element.querySelector<HTMLButtonElement>('button[type="submit"]');
    expect(send()?.disabled).toBe(true);

    const uploads = TestBed.inject(UploadQueue);
    uploads.add(DM_BOB, [new File(['x'], 'a.pdf', { type: 'application/pdf' })]);
    fixture.componentRef.setInput('uploads', uploads.draftIn(DM_BOB));
    await fixture.whenStable();
    expect(send()?.disabled).toBe(false);
    expect(element.querySelector('[role="progressbar"], progress')).not.toBeNull();

    fixture.componentRef.setInput(
      'uploads',
      uploads.draftIn(DM_BOB).map((u) => ({ ...u, status: 'failed', error: 'Too large' })),
    );
    await fixture.whenStable();
    expect(send()?.disabled).toBe(true);
    expect(element.querySelector('[role="alert"]')?.textContent).toContain('Too large');
  });
});
