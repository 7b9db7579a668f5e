import type { TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MessagesStore } from '../app/features/chats/data/messages.store';
import { SendQueue } from '../app/features/chats/data/send-queue.service';
import { setUpChatTesting, type ChatTestContext } from './chat-testing';

export interface MessagingTestContext extends ChatTestContext {
  store: MessagesStore;
  queue: SendQueue;
  /** The requests for a page of `chatId`'s history that wait for an answer. */
  historyRequests(chatId: string): TestRequest[];
}

/** MessagesStore and SendQueue over the fake socket, connected and accepted by the server. */
export function setUpMessaging(): MessagingTestContext {
  const ctx = setUpChatTesting([SendQueue, MessagesStore]);
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
  };
}
