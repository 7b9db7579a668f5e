import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LIMITS, type User } from '@chat/shared-types';
import { DataSource } from 'typeorm';
import { PresenceService } from '../presence/presence.service';
import { ListUsersQueryDto } from './dto/list-users.dto';

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

  /** Everyone but the caller; `available`: only those with no direct chat with the caller. */
  async list(callerId: string, query: ListUsersQueryDto): Promise<User[]> {
    const search = query.search?.trim() ?? '';
    const rows: UserRow[] = await this.db.query(
      `SELECT u.id, u.login, u.full_name
         FROM users u
        WHERE u.id <> $1
          AND ($2::text = '' OR u.login ILIKE $3 OR u.full_name ILIKE $3)
          AND (NOT $4::boolean OR NOT EXISTS (
                SELECT 1
                  FROM chat_members mine
                  JOIN chat_members theirs ON theirs.chat_id = mine.chat_id
                  JOIN chats c ON c.id = mine.chat_id AND c.kind = 'direct'
                 WHERE mine.user_id = $1 AND theirs.user_id = u.id))
        ORDER BY lower(u.full_name), u.login
        LIMIT $5`,
      [
        callerId,
        search,
        `%${escapeLike(search)}%`,
        query.available ?? false,
        query.limit ?? LIMITS.usersDefault,
      ],
    );
    return this.toUsers(rows);
  }
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
