import { HttpClient, provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import type { Provider } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { Chat, Message, User } from '@chat/shared-types';
import { BehaviorSubject } from 'rxjs';
import { SessionStore } from '../app/core/auth/session.store';
import { PageVisibility } from '../app/core/browser/page-visibility.service';
import {
  ACK_TIMEOUT_MS,
  ChatSocketService,
  SOCKET_FACTORY,
} from '../app/core/realtime/chat-socket.service';
import { UPLOAD_HTTP } from '../app/features/chats/attachments/attachments-api';
import { FakeChatSocket } from './fake-chat-socket';

export const ME: User = { id: 'u1', login: 'ada', fullName: 'Ada Lovelace', online: true };
export const BOB: User = { id: 'u2', login: 'bob', fullName: 'Bob Stone', online: true };
export const CAROL: User = { id: 'u3', login: 'carol', fullName: 'Carol Reyes', online: false };
export const DM_BOB = 'dm:u1:u2';
export const DM_CAROL = 'dm:u1:u3';

let nextId = 100;

export function message(chatId: string, from: User, overrides: Partial<Message> = {}): Message {
  const id = String(++nextId);
  return {
    id,
    chatId,
    senderId: from.id,
    senderName: from.fullName,
    content: `message ${id}`,
    clientId: `client-${id}`,
    createdAt: new Date(2026, 0, 1, 12, 0, nextId % 60).toISOString(),
    replyTo: null,
    editedAt: null,
    deleted: false,
    reactions: [],
    version: id,
    system: null,
    attachments: [],
    ...overrides,
  };
}

export function chat(
  id: string,
  title: string,
  members: User[],
  overrides: Partial<Chat> = {},
): Chat {
  return {
    id,
    kind: id === 'all' ? 'global' : 'direct',
    title,
    members: members.map((member) => ({ ...member, lastReadId: null, role: 'member' as const })),
    memberCount: members.length,
    membersComplete: true,
    lastMessage: null,
    unreadCount: 0,
    lastReadId: null,
    version: '0',
    ...overrides,
  };
}

export interface ChatTestContext {
  socket: FakeChatSocket;
  visible: BehaviorSubject<boolean>;
  http: HttpTestingController;
  chatSocket: ChatSocketService;
}

/**
 * A TestBed with a signed-in user, a fake socket behind the real ChatSocketService, a page
 * visibility the test controls, and HttpClient (uploads too) answered by HttpTestingController.
 */
export function setUpChatTesting(providers: Provider[] = []): ChatTestContext {
  const socket = new FakeChatSocket();
  const visible = new BehaviorSubject(true);
  TestBed.configureTestingModule({
    providers: [
      provideHttpClient(),
      provideHttpClientTesting(),
      // Uploads go through the same testing backend as every other request.
      { provide: UPLOAD_HTTP, useExisting: HttpClient },
      provideRouter([]),
      { provide: SOCKET_FACTORY, useValue: () => socket.asSocket() },
      { provide: ACK_TIMEOUT_MS, useValue: 5_000 },
      { provide: PageVisibility, useValue: { visible$: visible.asObservable() } },
      ChatSocketService,
      ...providers,
    ],
  });
  TestBed.inject(SessionStore).set({ accessToken: 'token-1', user: ME });
  return {
    socket,
    visible,
    http: TestBed.inject(HttpTestingController),
    chatSocket: TestBed.inject(ChatSocketService),
  };
}

/** Lets promise callbacks (acks resolving, async stores) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
