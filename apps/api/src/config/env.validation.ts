import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  validateSync,
} from 'class-validator';

export const DURATION_PATTERN = /^\d+[smhd]?$/;

/** A number variable set to the empty string counts as unset (its default applies). */
const EmptyIsUnset = () =>
  Transform(({ value, obj, key }: { value: unknown; obj: Record<string, unknown>; key: string }) =>
    obj[key] === '' ? undefined : value,
  );

/** Every variable the API reads, checked at boot so a bad value fails with its name. */
export class EnvironmentVariables {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsOptional()
  @EmptyIsUnset()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL?: string;

  @ValidateIf((env: EnvironmentVariables) => env.NODE_ENV === 'production' || !!env.JWT_SECRET)
  @IsString({ message: 'JWT_SECRET is required when NODE_ENV=production' })
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsOptional()
  @Matches(DURATION_PATTERN, {
    message: 'TOKEN_TTL must be a number of seconds or a duration like 30m, 12h, 7d',
  })
  TOKEN_TTL?: string;

  @IsOptional()
  @Matches(/^(https?:\/\/[^,\s]+)(,\s*https?:\/\/[^,\s]+)*$/, {
    message: 'CORS_ORIGINS must be a comma-separated list of http(s):// origins',
  })
  CORS_ORIGINS?: string;

  @IsOptional()
  @IsString()
  DATA_DIR?: string;

  @IsOptional()
  @IsString()
  WEB_DIR?: string;

  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;

  @IsOptional()
  @EmptyIsUnset()
  @IsInt()
  @Min(10, { message: 'BCRYPT_COST must be at least 10' })
  @Max(15)
  BCRYPT_COST?: number;

  @IsOptional()
  @EmptyIsUnset()
  @IsInt()
  @Min(1)
  RATE_LIMIT_LOGIN?: number;

  @IsOptional()
  @EmptyIsUnset()
  @IsInt()
  @Min(1)
  RATE_LIMIT_REGISTER?: number;

  @IsOptional()
  @EmptyIsUnset()
  @IsInt()
  @Min(0)
  @Max(60000)
  PRESENCE_GRACE_MS?: number;

  @IsOptional()
  @EmptyIsUnset()
  @IsInt()
  @Min(10)
  @Max(10000)
  PRESENCE_BATCH_MS?: number;

  @IsOptional()
  @EmptyIsUnset()
  @IsInt()
  @Min(1)
  MESSAGE_RATE?: number;

  @IsOptional()
  @EmptyIsUnset()
  @IsInt()
  @Min(1)
  MESSAGE_BURST?: number;

  @IsOptional()
  @EmptyIsUnset()
  @IsInt()
  @Min(1)
  @Max(16)
  MESSAGE_WRITE_LANES?: number;

  @IsOptional()
  @EmptyIsUnset()
  @IsInt()
  @Min(2)
  @Max(100000)
  MAX_GROUP_MEMBERS?: number;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  /** Empty counts as unset (docker-compose.yml passes `${METRICS_TOKEN:-}`). */
  @ValidateIf((env: EnvironmentVariables) => !!env.METRICS_TOKEN)
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;

  @IsOptional()
  @EmptyIsUnset()
  @IsInt()
  @Min(1000)
  @Max(120000)
  SHUTDOWN_TIMEOUT_MS?: number;

  @IsOptional()
  @EmptyIsUnset()
  @IsInt()
  @Min(1)
  @Max(1024)
  MAX_UPLOAD_MB?: number;

  @IsOptional()
  @EmptyIsUnset()
  @IsInt()
  @Min(1)
  UPLOAD_RATE?: number;

  @IsOptional()
  @EmptyIsUnset()
  @IsInt()
  @Min(1)
  UPLOAD_QUOTA_MB?: number;

  @IsOptional()
  @Matches(DURATION_PATTERN, {
    message: 'ATTACHMENT_URL_TTL must be a number of seconds or a duration like 30m, 12h, 7d',
  })
  ATTACHMENT_URL_TTL?: string;

  @IsOptional()
  @EmptyIsUnset()
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  ATTACHMENT_SWEEP_INTERVAL_MS?: number;

  /** Empty counts as unset (derived from JWT_SECRET). */
  @ValidateIf((env: EnvironmentVariables) => !!env.ATTACHMENT_URL_SECRET)
  @IsString()
  @MinLength(32, { message: 'ATTACHMENT_URL_SECRET must be at least 32 characters' })
  ATTACHMENT_URL_SECRET?: string;

  @ValidateIf((env: EnvironmentVariables) => !!env.ATTACHMENT_URL_SECRET_PREVIOUS)
  @IsString()
  @MinLength(32, { message: 'ATTACHMENT_URL_SECRET_PREVIOUS must be at least 32 characters' })
  ATTACHMENT_URL_SECRET_PREVIOUS?: string;

  @IsOptional()
  @IsString()
  S3_BUCKET?: string;

  @ValidateIf((env: EnvironmentVariables) => !!env.S3_ENDPOINT)
  @Matches(/^https?:\/\/.+/, { message: 'S3_ENDPOINT must be an http(s):// URL' })
  S3_ENDPOINT?: string;

  @IsOptional()
  @IsString()
  S3_REGION?: string;

  @ValidateIf((env: EnvironmentVariables) => !!env.S3_BUCKET || !!env.S3_ACCESS_KEY_ID)
  @IsString({ message: 'S3_ACCESS_KEY_ID is required with S3_BUCKET' })
  @MinLength(1, { message: 'S3_ACCESS_KEY_ID is required with S3_BUCKET' })
  S3_ACCESS_KEY_ID?: string;

  @ValidateIf((env: EnvironmentVariables) => !!env.S3_BUCKET || !!env.S3_SECRET_ACCESS_KEY)
  @IsString({ message: 'S3_SECRET_ACCESS_KEY is required with S3_BUCKET' })
  @MinLength(1, { message: 'S3_SECRET_ACCESS_KEY is required with S3_BUCKET' })
  S3_SECRET_ACCESS_KEY?: string;

  @IsOptional()
  @IsIn(['true', 'false', ''], { message: 'S3_FORCE_PATH_STYLE must be true or false' })
  S3_FORCE_PATH_STYLE?: string;
}

/** The environment, checked and converted (numbers are numbers); throws naming every bad value. */
export function validateEnv(raw: Record<string, unknown>): EnvironmentVariables {
  const env = plainToInstance(EnvironmentVariables, raw, { enableImplicitConversion: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  if (errors.length > 0) {
    const lines = errors.flatMap((e) =>
      Object.values(e.constraints ?? {}).map((m) => `  - ${e.property}: ${m}`),
    );
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return env;
}
