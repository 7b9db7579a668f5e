import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  highlightRanges,
  LIMITS,
  searchTerms,
  type SearchPage,
  type SearchQuery,
} from '@chat/shared-types';
import { DataSource } from 'typeorm';
import { ChatsService } from '../chats/chats.service';
import {
  MESSAGE_COLUMNS,
  MESSAGE_FROM,
  toMessage,
  type MessageRow,
} from '../messages/message.mapper';

/**
 * Full-text search over the caller's chats (docs/architecture.md, "Search"). The database
 * matches (the generated `messages.search` tsvector and its GIN index); the highlights are
 * found here with the same terms, so they are JavaScript string indices.
 */
@Injectable()
export class SearchService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly chats: ChatsService,
  ) {}

  async find(userId: string, query: SearchQuery): Promise<SearchPage> {
    const limit = Number(query.limit ?? LIMITS.searchDefault);
    let chatIds: string[];
    if (query.chatId !== undefined) {
      await this.chats.assertMember(userId, query.chatId);
      chatIds = [query.chatId];
    } else {
      // Membership now, at query time: a member removed a moment ago finds nothing more there.
      const rows: { chat_id: string }[] = await this.db.query(
        `SELECT chat_id FROM chat_members WHERE user_id = $1`,
        [userId],
      );
      chatIds = rows.map((r) => r.chat_id);
    }
    const terms = searchTerms(query.q);
    // Only punctuation: nothing to look for, and no query that would read every message.
    if (terms.length === 0 || chatIds.length === 0) return { hits: [], hasMore: false };
    // The index is asked for the terms of 3 or more characters: a word's first letter or two
    // (`a`, `на`) begins a large share of all words, and GIN reads every posting of every word
    // it begins before it can intersect them. The short terms are then checked on those rows
    // (ts_match_vq is @@ as a function, which no index serves). A query of short terms only is
    // common by nature and served by walking ids down.
    const long = terms.filter((term) => term.length >= 3);
    const indexed = long.length > 0 ? long : terms;
    const rest = indexed.length < terms.length ? terms : null;
    // The terms are parameters of an unnamed statement, planned with their values:
    // chat_search_query (immutable) is folded into a constant tsquery, so the planner weighs
    // the words' frequencies and chooses between the GIN index (rare words) and walking ids
    // down (common ones). One chat is read in (chat_id, id) order, as history is, so that a
    // small chat never walks the whole table's ids.
    const oneChat = query.chatId !== undefined;
    const rows: MessageRow[] = await this.db.query(
      `SELECT ${MESSAGE_COLUMNS}
         FROM ${MESSAGE_FROM}
        WHERE m.search @@ public.chat_search_query($1::text[])
          ${rest ? 'AND ts_match_vq(m.search, public.chat_search_query($5::text[]))' : ''}
          AND ${oneChat ? 'm.chat_id >= $2 AND m.chat_id <= $2' : 'm.chat_id = ANY($2::text[])'}
          AND m.deleted_at IS NULL AND m.system IS NULL
          AND ($3::bigint IS NULL OR m.id < $3)
        ORDER BY ${oneChat ? 'm.chat_id DESC, m.id DESC' : 'm.id DESC'}
        LIMIT $4`,
      [
        indexed,
        oneChat ? query.chatId : chatIds,
        query.before ?? null,
        limit + 1,
        ...(rest ? [rest] : []),
      ],
    );
    const page = rows.slice(0, limit).map(toMessage);
    const titles = await this.chats.titles(userId, [...new Set(page.map((m) => m.chatId))]);
    return {
      hits: page.map((message) => ({
        message,
        chatTitle: titles.get(message.chatId) ?? '',
        highlights: highlightRanges(message.content, terms),
      })),
      hasMore: rows.length > limit,
    };
  }
}
