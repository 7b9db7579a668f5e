import { DataSource, DataSourceOptions } from 'typeorm';
import { SessionEntity } from '../auth/session.entity';
import { ChatMemberEntity } from '../chats/chat-member.entity';
import { ChatEntity } from '../chats/chat.entity';
import { MessageEntity } from '../messages/message.entity';
import { UserEntity } from '../users/user.entity';
import { InitialSchema1732190000000 } from './migrations/1732190000000-initial-schema';
import { MessagesThatChange1733000000000 } from './migrations/1733000000000-messages-that-change';
import { OrganizationSize1733100000000 } from './migrations/1733100000000-organization-size';
import { MessageSearch1733400000000 } from './migrations/1733400000000-message-search';
import { GroupChats1733500000000 } from './migrations/1733500000000-group-chats';
import { Attachments1733600000000 } from './migrations/1733600000000-attachments';
import { ReplyIndex1733700000000 } from './migrations/1733700000000-reply-index';
import { MemberOrder1733800000000 } from './migrations/1733800000000-member-order';

export const entities = [UserEntity, SessionEntity, ChatEntity, ChatMemberEntity, MessageEntity];
export const migrations = [
  InitialSchema1732190000000,
  MessagesThatChange1733000000000,
  OrganizationSize1733100000000,
  MessageSearch1733400000000,
  GroupChats1733500000000,
  Attachments1733600000000,
  ReplyIndex1733700000000,
  MemberOrder1733800000000,
];

/** The one set of TypeORM options, used by the app and by the migration CLI. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsRun: true,
    synchronize: false,
    extra: {
      max: 20,
      // Also how long a query may wait for a free connection (a reconnect storm queues here);
      // a stopped database refuses at once, so outages are still answered quickly.
      connectionTimeoutMillis: 10000,
      // A send must fail fast (and answer `unavailable`) while the database is away.
      query_timeout: 10000,
      // No JIT compilation: it pays off for long analytical queries, never for these short
      // ones, yet a misestimated plan cost triggers it (15-30 ms added to the chat list of a
      // user with 200 chats at 5,000,000 messages, W6).
      options: '-c jit=off',
    },
  };
}

/** For `typeorm migration:*` from the command line: DATABASE_URL must be set. */
export default new DataSource(
  dataSourceOptions(process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/chat'),
);
