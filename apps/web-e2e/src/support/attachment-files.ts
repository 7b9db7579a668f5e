import type { JSHandle, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import type { BrowserSession } from './browser';
import type { ChatUi } from './chat-ui';

/** A file as the test hands it to the browser. */
export interface TestFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** A real PNG of noise (it does not compress, so its upload takes a moment when throttled). */
export async function noisePng(name: string, width: number, height: number): Promise<TestFile> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 2654435761) >>> 24;
  const buffer = await sharp(pixels, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
  return { name, mimeType: 'image/png', buffer };
}

/** A real JPEG: a colour gradient. */
export async function gradientJpeg(name: string, width: number, height: number): Promise<TestFile> {
  const buffer = await sharp({
    create: { width, height, channels: 3, background: { r: 255, g: 140, b: 60 } },
  })
    .composite([
      {
        input: Buffer.from(
          `<svg width="${width}" height="${height}"><defs><linearGradient id="g" x2="0" y2="1">` +
            `<stop offset="0" stop-color="#4f46e5"/><stop offset="1" stop-color="#ff8c3c"/>` +
            `</linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`,
        ),
      },
    ])
    .jpeg({ quality: 85 })
    .toBuffer();
  return { name, mimeType: 'image/jpeg', buffer };
}

/** The smallest valid one-page PDF. */
export function tinyPdf(name: string): TestFile {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return { name, mimeType: 'application/pdf', buffer: Buffer.from(body, 'latin1') };
}

/** Drags `files` from the desktop onto `target`: dragenter, dragover and drop with a DataTransfer. */
export async function dropFiles(page: Page, target: Locator, files: TestFile[]): Promise<void> {
  const transfer: JSHandle<DataTransfer> = await page.evaluateHandle(
    (list) => {
      const data = new DataTransfer();
      for (const file of list) {
        const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
        data.items.add(new File([bytes], file.name, { type: file.mimeType }));
      }
      return data;
    },
    files.map((f) => ({ name: f.name, mimeType: f.mimeType, base64: f.buffer.toString('base64') })),
  );
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await target.dispatchEvent(type, { dataTransfer: transfer });
  }
  await transfer.dispose();
}

/** Slows this page's uploads to `bytesPerSecond`, as a slow mobile link would. */
export async function throttleUploads(session: BrowserSession, bytesPerSecond: number) {
  const cdp = await session.context.newCDPSession(session.page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond,
  });
  return () => cdp.detach();
}

/** The natural width of every photo shown in the open chat's timeline (0: not loaded). */
export function loadedPhotoWidths(ui: ChatUi): Promise<number[]> {
  return ui
    .messageLog()
    .locator('.photo img')
    .evaluateAll((images) =>
      images.map((img) =>
        (img as HTMLImageElement).complete ? (img as HTMLImageElement).naturalWidth : 0,
      ),
    );
}

/** Picks `file` through the attach button's file chooser and waits until it is uploaded. */
export async function attachWithButton(ui: ChatUi, file: TestFile): Promise<void> {
  const chooser = ui.page.waitForEvent('filechooser');
  await ui.page.getByRole('button', { name: 'Attach files' }).click();
  await (await chooser).setFiles(file);
  await ui.page.getByRole('list', { name: 'Files to send' }).getByText('uploaded').last().waitFor();
}

/** The natural width of the photo `name` in the open viewer, once loaded (0 before). */
export function viewerPhotoWidth(page: Page, name: string): Promise<number> {
  return page
    .getByRole('dialog', { name })
    .getByRole('img', { name })
    .evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0));
}
