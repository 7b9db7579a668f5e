import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { settings, type Settings } from './config/configuration';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './database/embedded';
import { ShutdownState } from './operations/shutdown';

async function bootstrap(): Promise<void> {
  const logger = new Logger('Bootstrap');
  let validated: Settings;
  try {
    validated = settings();
  } catch (error) {
    logger.error((error as Error).message);
    process.exit(1);
  }

  let embedded: EmbeddedDatabase | null = null;
  if (validated.database.url === null) {
    embedded = await startEmbeddedPostgres(validated.app.dataDir);
    validated.database.url = embedded.url;
  }

  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bodyParser: false,
    bufferLogs: true,
  });
  // Every log line through pino (operations/logging.ts): JSON, or readable in development.
  app.useLogger(app.get(PinoNestLogger));
  const config = validated.app;
  configureApp(app, config);

  /*
   * Graceful: readiness 503 and no new connections, sends already read stored and acked,
   * sockets told to reconnect elsewhere (ShutdownState.drain), then Nest closes the HTTP and
   * Socket.IO servers, PostgreSQL and Redis. Past SHUTDOWN_TIMEOUT_MS: exit code 1.
   */
  const { shutdownTimeoutMs } = validated.operations;
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    const started = Date.now();
    logger.log(`${signal} received: draining, then closing (at most ${shutdownTimeoutMs} ms)`);
    setTimeout(() => {
      logger.error(`Shutdown took longer than ${shutdownTimeoutMs} ms: exiting`);
      process.exit(1);
    }, shutdownTimeoutMs).unref();
    await app
      .get(ShutdownState)
      .drain(app.getHttpServer())
      .catch((error: unknown) => logger.error(String(error)));
    await app.close().catch((error: unknown) => logger.error(String(error)));
    await embedded?.stop().catch((error: unknown) => logger.error(String(error)));
    logger.log(`Shut down in ${Date.now() - started} ms`);
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
