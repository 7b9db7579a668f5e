import {
  Global,
  Module,
  RequestMethod,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { operationsConfig, type OperationsConfig } from '../config/configuration';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { loggingParams } from './logging';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { ShutdownState } from './shutdown';

/**
 * What an operator needs: structured logs (nestjs-pino), Prometheus metrics, and the shutdown
 * state that readiness and the graceful drain share. Global: any layer may report a metric or
 * ask whether the instance is draining.
 */
@Global()
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [operationsConfig.KEY],
      useFactory: (config: OperationsConfig) => loggingParams(config),
    }),
  ],
  controllers: [MetricsController],
  providers: [Metrics, ShutdownState],
  exports: [Metrics, ShutdownState],
})
export class OperationsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
