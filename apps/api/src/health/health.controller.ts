import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { HealthStatus } from '@chat/shared-types';
import type { Response } from 'express';
import { Public } from '../common/decorators/public.decorator';
import { RedisHealth } from './redis.health';

class HealthStatusDto implements HealthStatus {
  status!: 'ok' | 'error';
  db!: 'up' | 'down';
  redis!: 'up' | 'down' | 'off';
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealth,
  ) {}

  /** 200 while the database answers, 503 while it does not; Redis is `off` unless REDIS_URL is set. */
  @Public()
  @Get()
  @ApiResponse({ status: 503, type: HealthStatusDto, description: 'The database is down' })
  async check(@Res({ passthrough: true }) response: Response): Promise<HealthStatusDto> {
    const db = await this.database
      .pingCheck('db', { timeout: 1500 })
      .then((result) => (result['db']?.status === 'up' ? 'up' : 'down'))
      .catch(() => 'down' as const);
    const redis = await this.redis.state();
    if (db !== 'up') response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: db === 'up' ? 'ok' : 'error', db, redis };
  }
}
