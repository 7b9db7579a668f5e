import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { ServeStaticModule } from '@nestjs/serve-static';
import { existsSync } from 'node:fs';
import { AuthModule } from './auth/auth.module';
import { ChatsModule } from './chats/chats.module';
import { HttpExceptionFilter } from './common/filters/http-exception.filter';
import { appConfig, authConfig, databaseConfig, messagesConfig } from './config/configuration';
import { validateEnv } from './config/env.validation';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { MessagesModule } from './messages/messages.module';
import { BroadcastModule } from './realtime/broadcast.module';
import { RealtimeModule } from './realtime/realtime.module';
import { UsersModule } from './users/users.module';

const webDir = appConfig().webDir;

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      cache: true,
      validate: validateEnv,
      load: [appConfig, databaseConfig, authConfig, messagesConfig],
    }),
    DatabaseModule,
    BroadcastModule,
    AuthModule,
    UsersModule,
    ChatsModule,
    MessagesModule,
    RealtimeModule,
    HealthModule,
    // The built web app, with unknown paths falling back to index.html for deep links.
    ...(existsSync(webDir)
      ? [
          ServeStaticModule.forRoot({
            rootPath: webDir,
            exclude: ['/api/{*path}', '/socket.io/{*path}'],
          }),
        ]
      : []),
  ],
  providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }],
})
export class AppModule {}
