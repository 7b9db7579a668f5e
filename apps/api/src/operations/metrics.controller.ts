import {
  Controller,
  Get,
  Headers,
  Inject,
  NotFoundException,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Public } from '../common/decorators/public.decorator';
import { operationsConfig, type OperationsConfig } from '../config/configuration';
import { Metrics } from './metrics';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Prometheus text format for a scraper holding METRICS_TOKEN (`Authorization: Bearer …`);
 * without METRICS_TOKEN the endpoint does not exist (404). An operations endpoint, not part of
 * the chat contract, so it is left out of the OpenAPI document.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  private readonly expected: Buffer | null;

  constructor(
    private readonly metrics: Metrics,
    @Inject(operationsConfig.KEY) config: OperationsConfig,
  ) {
    this.expected = config.metricsToken === null ? null : digest(config.metricsToken);
  }

  @Public()
  @Get()
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    if (this.expected === null) throw new NotFoundException('Cannot GET /api/metrics');
    const [scheme, token] = (authorization ?? '').split(' ');
    // Compared as digests: equal lengths, and the time taken says nothing about the token.
    if (scheme !== 'Bearer' || !token || !timingSafeEqual(digest(token), this.expected)) {
      throw new UnauthorizedException('A valid metrics token is required');
    }
    response.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
