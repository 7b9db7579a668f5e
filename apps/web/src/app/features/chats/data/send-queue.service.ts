import { Injectable, OnDestroy, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  isMessageContent,
  isSendContent,
  LIMITS,
  textLength,
  type ErrorCode,
  type Message,
  type MessageRef,
} from '@chat/shared-types';
import { Subject } from 'rxjs';
import { SessionStore } from '../../../core/auth/session.store';
import { ChatSocketService } from '../../../core/realtime/chat-socket.service';
import { UploadQueue } from '../attachments/upload-queue.service';

/** A message typed here that the server has not confirmed yet. */
export interface OutgoingMessage {
  clientId: string;
  chatId: string;
  content: string;
  createdAt: string;
  /** The message this one answers, as it was when the reply was written. */
  replyTo: MessageRef | null;
  /** Sent with files (UploadQueue.of(clientId)): it leaves once every one is uploaded. */
  withFiles: boolean;
  /** `pending`: will be (re)sent; `failed`: the server refused it, the user decides. */
  status: 'pending' | 'failed';
  error: string | null;
}

export interface SendNotice {
  chatId: string;
  code: ErrorCode;
  text: string;
}

export type SendResult = { ok: true; message: OutgoingMessage } | { ok: false; error: string };

export const RATE_LIMIT_RETRY_MS = 3_000;
export const UNANSWERED_RETRY_MS = 5_000;

/** Why the server would refuse `content`, in the user's words; null when it would accept it. */
export function validateContent(content: string): string | null {
  const length = textLength(content.trim());
  if (length < LIMITS.contentMin) return 'Write something first.';
  if (length > LIMITS.contentMax) return `Messages can be at most ${LIMITS.contentMax} characters.`;
  return isMessageContent(content) ? null : 'Messages cannot contain NUL characters.';
}

/** Why the server would refuse a caption of files; null when it would accept it. */
function validateCaption(content: string): string | null {
  if (textLength(content.trim()) > LIMITS.contentMax) {
    return `Messages can be at most ${LIMITS.contentMax} characters.`;
  }
  return isSendContent(content, true) ? null : 'Messages cannot contain NUL characters.';
}

/**
 * Optimistic sending. A message is shown at once as pending under a fresh clientId, sent
 * over the socket one at a time in the order typed, and dropped from here once the server
 * confirms it (its ack, or the message coming back with the same clientId). A lost
 * connection or missing ack leaves it pending; it is sent again with the same clientId when
 * the connection returns, so the server stores it once. A message with files waits until
 * every file is uploaded (later messages go ahead of it), and is sent with their ids.
 */
@Injectable()
export class SendQueue implements OnDestroy {
  private readonly socket = inject(ChatSocketService);
  private readonly session = inject(SessionStore);
  private readonly uploads = inject(UploadQueue);

  private readonly queue = signal<readonly OutgoingMessage[]>([]);
  private readonly confirmed = new Subject<Message>();
  private sending = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  /** Not yet confirmed, in the order typed. */
  readonly outgoing = this.queue.asReadonly();
  /** Messages the server confirmed through their ack. */
  readonly confirmed$ = this.confirmed.asObservable();
  /** The last refusal worth telling the user about. */
  readonly notice = signal<SendNotice | null>(null);

  constructor() {
    this.socket.connected$.pipe(takeUntilDestroyed()).subscribe(() => void this.flush());
    this.uploads.changed$.pipe(takeUntilDestroyed()).subscribe(() => void this.flush());
    this.socket
      .on('message:new')
      .pipe(takeUntilDestroyed())
      .subscribe((message) => {
        if (message.senderId === this.session.userId()) this.settle(message.clientId);
      });
  }

  ngOnDestroy(): void {
    clearTimeout(this.retryTimer);
    this.confirmed.complete();
  }

  /** Queues a message; `withFiles`: it carries the files waiting in the chat's composer. */
  send(
    chatId: string,
    content: string,
    replyTo: MessageRef | null = null,
    withFiles = false,
  ): SendResult {
    const files = withFiles && this.uploads.draftIn(chatId).length > 0;
    const error = files ? validateCaption(content) : validateContent(content);
    if (error) return { ok: false, error };
    const message: OutgoingMessage = {
      clientId: crypto.randomUUID(),
      chatId,
      content: content.trim(),
      createdAt: new Date().toISOString(),
      replyTo,
      withFiles: files,
      status: 'pending',
      error: null,
    };
    if (files) this.uploads.claim(chatId, message.clientId);
    this.queue.update((queue) => [...queue, message]);
    void this.flush();
    return { ok: true, message };
  }

  /** Sends a refused message again, under the same clientId. */
  retry(clientId: string): void {
    this.patch(clientId, { status: 'pending', error: null });
    void this.flush();
  }

  discard(clientId: string): void {
    this.settle(clientId);
  }

  /** The server has this message (seen in history or live): stop sending it. */
  settle(clientId: string): void {
    this.queue.update((queue) => queue.filter((message) => message.clientId !== clientId));
    this.uploads.release(clientId);
  }

  pendingIn(chatId: string): OutgoingMessage[] {
    return this.queue().filter((message) => message.chatId === chatId);
  }

  dismissNotice(): void {
    this.notice.set(null);
  }

  /** Sends pending messages oldest first, one at a time, while the connection holds. */
  private async flush(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    clearTimeout(this.retryTimer);
    try {
      let next = this.nextPending();
      while (next && this.socket.connected()) {
        const keepGoing = await this.transmit(next);
        if (!keepGoing) return;
        next = this.nextPending();
      }
    } finally {
      this.sending = false;
    }
  }

  /** Returns whether the next message may be sent straight away. */
  private async transmit(message: OutgoingMessage): Promise<boolean> {
    const attachmentIds = message.withFiles ? this.uploads.attachmentIds(message.clientId) : [];
    if (attachmentIds === null) return true;
    const ack = await this.socket.request('message:send', {
      chatId: message.chatId,
      content: message.content,
      clientId: message.clientId,
      ...(message.replyTo ? { replyToId: message.replyTo.id } : {}),
      ...(attachmentIds.length > 0 ? { attachmentIds } : {}),
    });
    if (!this.queue().some((queued) => queued.clientId === message.clientId)) return true;
    if (ack.ok) {
      this.settle(message.clientId);
      this.confirmed.next(ack.data);
      if (this.notice()?.chatId === message.chatId) this.notice.set(null);
      return true;
    }
    const { code, message: serverText } = ack.error;
    switch (code) {
      case 'unavailable':
        // Disconnected or unanswered: stays pending; the next connection sends it again.
        if (this.socket.connected()) this.retryIn(UNANSWERED_RETRY_MS);
        return false;
      case 'rate_limited':
        this.notice.set({
          chatId: message.chatId,
          code,
          text: "You're sending messages too fast. We'll send this one in a few seconds.",
        });
        this.retryIn(RATE_LIMIT_RETRY_MS);
        return false;
      default: {
        const text =
          code === 'invalid'
            ? `This message can't be sent: ${serverText}`
            : code === 'forbidden'
              ? "You can't write in this chat."
              : `This message can't be sent: ${serverText}`;
        this.patch(message.clientId, { status: 'failed', error: text });
        this.notice.set({ chatId: message.chatId, code, text });
        return true;
      }
    }
  }

  /** The oldest pending message that may leave now: one with files once they are all up. */
  private nextPending(): OutgoingMessage | undefined {
    this.dropEmptied();
    return this.queue().find(
      (message) =>
        message.status === 'pending' &&
        (!message.withFiles || this.uploads.attachmentIds(message.clientId) !== null),
    );
  }

  /** A caption-less message whose every file was removed has nothing left to send. */
  private dropEmptied(): void {
    const emptied = this.queue().filter(
      (message) =>
        message.withFiles &&
        message.content === '' &&
        this.uploads.of(message.clientId).length === 0,
    );
    emptied.forEach((message) => this.settle(message.clientId));
  }

  private retryIn(ms: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.flush(), ms);
  }

  private patch(clientId: string, change: Partial<OutgoingMessage>): void {
    this.queue.update((queue) =>
      queue.map((message) => (message.clientId === clientId ? { ...message, ...change } : message)),
    );
  }
}
