import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import {
  LIMITS,
  type Chat,
  type CreateChatRequest,
  type HistoryPage,
  type HistoryQuery,
  type MarkReadRequest,
  type MembersPage,
  type SearchPage,
  type SearchQuery,
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
