import type { TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { Chat } from '@chat/shared-types';
import { UploadQueue } from '../app/features/chats/attachments/upload-queue.service';
import { ChatsStore } from '../app/features/chats/data/chats.store';
import { MessagesStore } from '../app/features/chats/data/messages.store';
import { SendQueue } from '../app/features/chats/data/send-queue.service';
import { UnreadService } from '../app/features/chats/data/unread.service';
import { setUpChatTesting, type ChatTestContext } from './chat-testing';

export interface MessagingTestContext extends ChatTestContext {
  store: MessagesStore;
  queue: SendQueue;
  /** The requests for a page of `chatId`'s history that wait for an answer. */
  historyRequests(chatId: string): TestRequest[];
  /** Answers every waiting GET /api/chats with `chats` (start, reconnections). */
  listChats(chats: Chat[]): void;
}

/**
 * MessagesStore and SendQueue over the fake socket, connected and accepted by the server, with
 * the chat list (ChatsStore) whose versions tell MessagesStore which chats to catch up.
 */
export function setUpMessaging(): MessagingTestContext {
  const ctx = setUpChatTesting([UnreadService, ChatsStore, UploadQueue, SendQueue, MessagesStore]);
  const store = TestBed.inject(MessagesStore);
  const queue = TestBed.inject(SendQueue);
  ctx.chatSocket.connect('token-1');
  ctx.socket.serverAccepts();
  return {
    ...ctx,
    store,
    queue,
    historyRequests: (chatId) =>
      ctx.http.match((r) => r.url === `/api/chats/${encodeURIComponent(chatId)}/messages`),
    listChats: (chats) => {
      for (const request of ctx.http.match((r) => r.url === '/api/chats')) {
        if (!request.cancelled) request.flush(chats);
      }
    },
  };
}
