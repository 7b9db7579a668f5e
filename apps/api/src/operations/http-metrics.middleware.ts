import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { routeOf } from './logging';
import { Metrics } from './metrics';
import { ShutdownState } from './shutdown';

/**
 * HTTP latency by route template (unmatched paths share one label, so scanners cannot grow
 * the series), and `Connection: close` on answers while the instance drains, so kept-alive
 * clients reconnect to another instance.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(
    private readonly metrics: Metrics,
    private readonly shutdown: ShutdownState,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    if (this.shutdown.draining) res.setHeader('Connection', 'close');
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.httpDuration.observe(
        { method: req.method, route: routeOf(req) ?? 'unmatched', status: res.statusCode },
        seconds,
      );
    });
    next();
  }
}
