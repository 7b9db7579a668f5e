import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '../common/decorators/public.decorator';
import { ShutdownState } from '../operations/shutdown';
import { HealthStatusDto, ProbeDto } from './dto/health-status.dto';
import { RedisHealth } from './redis.health';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealth,
    private readonly shutdown: ShutdownState,
  ) {}

  /** 200 while the database answers, 503 while it does not; Redis is `off` unless REDIS_URL is set. */
  @Public()
  @Get()
  @ApiResponse({ status: 503, type: HealthStatusDto, description: 'The database is down' })
  async check(@Res({ passthrough: true }) response: Response): Promise<HealthStatusDto> {
    const status = await this.status();
    if (status.db !== 'up') response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return status;
  }

  /** Liveness: 200 while the process serves HTTP at all (nothing else is checked). */
  @Public()
  @Get('live')
  @ApiResponse({ status: 200, type: ProbeDto, description: 'The process is up' })
  live(): ProbeDto {
    return { status: 'ok' };
  }

  /**
   * Readiness: 200 while this instance should get traffic: the database answers, Redis too when
   * REDIS_URL is set, and the instance is not draining for a shutdown (then 503).
   */
  @Public()
  @Get('ready')
  @ApiResponse({ status: 200, type: HealthStatusDto, description: 'Ready for traffic' })
  @ApiResponse({
    status: 503,
    type: HealthStatusDto,
    description: 'Draining, or the database or Redis is down',
  })
  async ready(@Res({ passthrough: true }) response: Response): Promise<HealthStatusDto> {
    const status = await this.status();
    const ready = !this.shutdown.draining && status.db === 'up' && status.redis !== 'down';
    if (!ready) response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { ...status, status: ready ? 'ok' : 'error' };
  }

  private async status(): Promise<HealthStatusDto> {
    const db = await this.database
      .pingCheck('db', { timeout: 1500 })
      .then((result) => (result['db']?.status === 'up' ? 'up' : 'down'))
      .catch(() => 'down' as const);
    const redis = await this.redis.state();
    return { status: db === 'up' ? 'ok' : 'error', db, redis };
  }
}
