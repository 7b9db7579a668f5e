import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LIMITS, type User } from '@chat/shared-types';
import { DataSource } from 'typeorm';
import { PresenceService } from '../presence/presence.service';
import { ListUsersQueryDto } from './dto/list-users.dto';
import { firstUsers, searchPattern } from './user-search';

export interface UserRow {
  id: string;
  login: string;
  full_name: string;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly presence: PresenceService,
  ) {}

  /** Rows as contract users, with `online` from presence (one round trip for all). */
  async toUsers(rows: readonly UserRow[]): Promise<User[]> {
    const online = await this.presence.onlineAmong(rows.map((row) => row.id));
    return rows.map((row) => ({
      id: row.id,
      login: row.login,
      fullName: row.full_name,
      online: online.has(row.id),
    }));
  }

  async exists(userId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM users WHERE id = $1`, [userId]);
    return rows.length > 0;
  }

  /**
   * Everyone but the caller; `available`: only those with no direct chat with the caller.
   * Walks ix_users_name_order (or the prefix indexes for a search) and, for `available`, probes
   * the direct chat's id (computed as directChatId does) per candidate: its cost follows the
   * page, not the number of users or of the caller's chats.
   */
  async list(callerId: string, query: ListUsersQueryDto): Promise<User[]> {
    const pattern = searchPattern(query.search);
    const where = ['u.id <> $1'];
    if (query.available) {
      where.push(`NOT EXISTS (
        SELECT 1 FROM chat_members dm
         WHERE dm.user_id = $1
           AND dm.chat_id = 'dm:' || least(u.id::text COLLATE "C", $1::text)
                         || ':' || greatest(u.id::text COLLATE "C", $1::text))`);
    }
    const rows: UserRow[] = await this.db.query(
      firstUsers({
        columns: 'u.id, u.login, u.full_name',
        from: 'users u',
        where,
        pattern: pattern === null ? null : '$3',
        limit: '$2',
      }),
      [callerId, query.limit ?? LIMITS.usersDefault, ...(pattern === null ? [] : [pattern])],
    );
    return this.toUsers(rows);
  }
}
