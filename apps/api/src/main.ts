import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { resolve } from 'node:path';
import { AppModule } from './app.module';
import { createValidationPipe } from './common/validation';
import { appConfig } from './config/configuration';
import { validateEnv } from './config/env.validation';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './database/embedded';
import { ChatIoAdapter } from './realtime/chat-io.adapter';
import { REDIS } from './redis/redis.module';
import { serveWebApp } from './web/web-app';

/** Large enough for a 4000-character message of 4-byte characters and its envelope. */
const MAX_PAYLOAD_BYTES = 64 * 1024;

async function bootstrap(): Promise<void> {
  const logger = new Logger('Bootstrap');
  try {
    validateEnv(process.env);
  } catch (error) {
    logger.error((error as Error).message);
    process.exit(1);
  }

  let embedded: EmbeddedDatabase | null = null;
  if (!process.env['DATABASE_URL']) {
    embedded = await startEmbeddedPostgres(resolve(process.env['DATA_DIR'] || '.data'));
    process.env['DATABASE_URL'] = embedded.url;
  }

  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bodyParser: false,
    bufferLogs: true,
  });
  const config = app.get<ReturnType<typeof appConfig>>(appConfig.KEY);

  app.useBodyParser('json', { limit: MAX_PAYLOAD_BYTES });
  app.disable('x-powered-by');
  // Client addresses (for per-address limits) come from X-Forwarded-For only via these proxies.
  app.set('trust proxy', config.trustProxy);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Socket.IO connects back to this origin over ws(s).
          connectSrc: ["'self'", 'ws:', 'wss:'],
          // Swagger UI injects its styles inline.
          styleSrc: ["'self'", "'unsafe-inline'"],
          // Plain-HTTP deployments (localhost, a LAN address) must keep working.
          upgradeInsecureRequests: null,
        },
      },
    }),
  );
  app.enableCors({
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    credentials: false,
  });
  app.setGlobalPrefix('api');
  serveWebApp(app, config.webDir);
  app.useGlobalPipes(createValidationPipe());
  app.useWebSocketAdapter(
    new ChatIoAdapter(app, config.corsOrigins, MAX_PAYLOAD_BYTES, app.get(REDIS)),
  );

  const openApi = new DocumentBuilder()
    .setTitle('Chat API')
    .setDescription(
      'REST side of the chat contract. Real-time events are on Socket.IO at /socket.io ' +
        '(see shared/docs/contract.md and libs/shared-types).',
    )
    .setVersion('1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'api/docs-json',
  });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: shutting down`);
    await app.close().catch((error: unknown) => logger.error(String(error)));
    await embedded?.stop().catch((error: unknown) => logger.error(String(error)));
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  await app.listen(config.port, '0.0.0.0');
  logger.log(`API listening on http://localhost:${config.port}/api (docs at /api/docs)`);
  if (embedded) logger.log(`Data lives in ${config.dataDir}`);
}

// A failed promise nobody awaited (a library's background work) is logged, not fatal.
process.on('unhandledRejection', (reason: unknown) => {
  new Logger('Unhandled').error(
    reason instanceof Error ? (reason.stack ?? reason.message) : reason,
  );
});

void bootstrap().catch((error: unknown) => {
  new Logger('Bootstrap').error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
