import type { HealthStatus } from '@chat/shared-types';
import { ApiProperty } from '@nestjs/swagger';

const STATUSES = ['ok', 'error'] as const satisfies readonly HealthStatus['status'][];
const DB_STATES = ['up', 'down'] as const satisfies readonly HealthStatus['db'][];
const REDIS_STATES = ['up', 'down', 'off'] as const satisfies readonly HealthStatus['redis'][];

/** GET /api/health/live: the process answers HTTP. */
export class ProbeDto {
  @ApiProperty({ enum: STATUSES })
  status!: HealthStatus['status'];
}

export class HealthStatusDto implements HealthStatus {
  /** `ok` while the database answers (and, for readiness, the instance takes traffic) */
  @ApiProperty({ enum: STATUSES })
  status!: HealthStatus['status'];

  @ApiProperty({ enum: DB_STATES })
  db!: HealthStatus['db'];

  /** `off` unless REDIS_URL is set */
  @ApiProperty({ enum: REDIS_STATES })
  redis!: HealthStatus['redis'];
}
