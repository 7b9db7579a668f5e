import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import {
  LIMITS,
  type AddMembersRequest,
  type Chat,
  type CreateChatRequest,
  type CreateGroupRequest,
  type HistoryPage,
  type HistoryQuery,
  type MarkReadRequest,
  type MembersPage,
  type RenameChatRequest,
  type SearchPage,
  type SearchQuery,
  type SetRoleRequest,
  type User,
} from '@chat/shared-types';
import { Observable } from 'rxjs';

function chatUrl(chatId: string): string {
  return `/api/chats/${encodeURIComponent(chatId)}`;
}

@Injectable({ providedIn: 'root' })
export class ChatsApiService {
  private readonly http = inject(HttpClient);

  /** The caller's chats: `All` first, then by latest activity. */
  list(): Observable<Chat[]> {
    return this.http.get<Chat[]>('/api/chats');
  }

  create(peerId: string): Observable<Chat> {
    const body: CreateChatRequest = { peerId };
    return this.http.post<Chat>('/api/chats', body);
  }

  /** A group with the caller as its owner; everyone named gets `chat:created` at once. */
  createGroup(title: string, memberIds: readonly string[]): Observable<Chat> {
    const body: CreateGroupRequest = { title: title.trim(), memberIds: [...memberIds] };
    return this.http.post<Chat>('/api/chats', body);
  }

  rename(chatId: string, title: string): Observable<Chat> {
    const body: RenameChatRequest = { title: title.trim() };
    return this.http.patch<Chat>(chatUrl(chatId), body);
  }

  addMembers(chatId: string, userIds: readonly string[]): Observable<Chat> {
    const body: AddMembersRequest = { userIds: [...userIds] };
    return this.http.post<Chat>(`${chatUrl(chatId)}/members`, body);
  }

  setRole(chatId: string, userId: string, role: SetRoleRequest['role']): Observable<Chat> {
    const body: SetRoleRequest = { role };
    return this.http.patch<Chat>(`${chatUrl(chatId)}/members/${encodeURIComponent(userId)}`, body);
  }

  /** Removes a member; the caller's own id leaves the group. */
  removeMember(chatId: string, userId: string): Observable<void> {
    return this.http.delete<void>(`${chatUrl(chatId)}/members/${encodeURIComponent(userId)}`);
  }

  history(chatId: string, query: HistoryQuery = {}): Observable<HistoryPage> {
    let params = new HttpParams();
    if (query.before) params = params.set('before', query.before);
    if (query.after) params = params.set('after', query.after);
    if (query.around) params = params.set('around', query.around);
    if (query.limit !== undefined) params = params.set('limit', String(query.limit));
    return this.http.get<HistoryPage>(`${chatUrl(chatId)}/messages`, { params });
  }

  /** Messages of the caller's chats (or of `query.chatId`) matching every word, newest first. */
  search(query: SearchQuery): Observable<SearchPage> {
    let params = new HttpParams().set('q', query.q);
    if (query.chatId) params = params.set('chatId', query.chatId);
    if (query.before) params = params.set('before', query.before);
    if (query.limit !== undefined) params = params.set('limit', String(query.limit));
    return this.http.get<SearchPage>('/api/search', { params });
  }

  markRead(chatId: string, upToId: string): Observable<void> {
    const body: MarkReadRequest = { upToId };
    return this.http.post<void>(`${chatUrl(chatId)}/read`, body);
  }

  /** A page of a chat's members by name; `after`: the previous page's nextCursor. */
  members(
    chatId: string,
    query: { search: string; after: string | null },
  ): Observable<MembersPage> {
    let params = new HttpParams();
    if (query.search) params = params.set('search', query.search);
    if (query.after) params = params.set('after', query.after);
    return this.http.get<MembersPage>(`${chatUrl(chatId)}/members`, { params });
  }

  /** People the caller has no direct chat with yet. */
  availablePeople(search: string): Observable<User[]> {
    const params = new HttpParams()
      .set('available', 'true')
      .set('search', search.trim().slice(0, LIMITS.searchMax));
    return this.http.get<User[]>('/api/users', { params });
  }
}
