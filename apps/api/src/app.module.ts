import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AttachmentsModule } from './attachments/attachments.module';
import { AuthModule } from './auth/auth.module';
import { ChatsModule } from './chats/chats.module';
import { HttpExceptionFilter } from './common/filters/http-exception.filter';
import { BodyTypeGuard } from './common/guards/body-type.guard';
import {
  appConfig,
  attachmentsConfig,
  authConfig,
  databaseConfig,
  messagesConfig,
  operationsConfig,
} from './config/configuration';
import { DatabaseModule } from './database/database.module';
import { RedisModule } from './redis/redis.module';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import { GroupsModule } from './groups/groups.module';
import { HealthModule } from './health/health.module';
import { MessagesModule } from './messages/messages.module';
import { OperationsModule } from './operations/operations.module';
import { RealtimeModule } from './realtime/realtime.module';
import { SearchModule } from './search/search.module';
import { UsersModule } from './users/users.module';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      cache: true,
      // The process environment only, validated once by settings() (config/configuration.ts):
      // main.ts reads it before Nest starts, a .env file would be half-honoured.
      ignoreEnvFile: true,
      load: [
        appConfig,
        databaseConfig,
        authConfig,
        messagesConfig,
        operationsConfig,
        attachmentsConfig,
      ],
    }),
    OperationsModule,
    DatabaseModule,
    RedisModule,
    RateLimitModule,
    AuthModule,
    UsersModule,
    ChatsModule,
    MessagesModule,
    GroupsModule,
    SearchModule,
    AttachmentsModule,
    RealtimeModule,
    HealthModule,
  ],
  providers: [
    { provide: APP_FILTER, useClass: HttpExceptionFilter },
    { provide: APP_GUARD, useClass: BodyTypeGuard },
  ],
})
export class AppModule {}
