import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError } from './app-error';

/** `login: must be ...; password: ...`: each message names its field. */
export function describeValidationErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((m) =>
      m.startsWith(error.property) ? `${path}${m.slice(error.property.length)}` : `${path}: ${m}`,
    );
    return [...own, ...describeValidationErrors(error.children ?? [], path)];
  });
}

/** An error message lists at most this many problems, then how many more there were. */
export const MAX_PROBLEMS_LISTED = 10;
const MAX_PROBLEM_CHARS = 100;

/**
 * Problems joined into one message of bounded size: the first MAX_PROBLEMS_LISTED (each cut to
 * MAX_PROBLEM_CHARS, since a field name is whatever the client sent), then "and N more".
 */
export function joinProblems(problems: string[]): string {
  const listed = problems
    .slice(0, MAX_PROBLEMS_LISTED)
    .map((p) => (p.length > MAX_PROBLEM_CHARS ? `${p.slice(0, MAX_PROBLEM_CHARS - 1)}…` : p));
  const more = problems.length - listed.length;
  return more > 0 ? `${listed.join('; ')}; and ${more} more` : listed.join('; ');
}

/** No contract payload nests deeper than this; deeper input is refused before it is walked. */
const MAX_DEPTH = 16;

/** Whether `value` nests deeper than `limit`, found without recursion. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

const OPTIONS = {
  whitelist: true,
  forbidUnknownValues: true,
  transform: true,
  stopAtFirstError: true,
  validationError: { target: false, value: false },
  exceptionFactory: (errors: ValidationError[]) =>
    new AppError('invalid', joinProblems(describeValidationErrors(errors))),
} as const;

class ContractValidationPipe extends ValidationPipe {
  /**
   * Unknown query parameters (cache-busters, utm_*) are dropped, as browsers and proxies expect;
   * unknown body and payload fields are refused.
   */
  private readonly queryPipe = new ValidationPipe({ ...OPTIONS, forbidNonWhitelisted: false });

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Only what a client sent: not the socket or request objects that also pass through pipes.
    const fromClient = metadata.type === 'body' || metadata.type === 'query';
    if (fromClient && nestsDeeperThan(value, MAX_DEPTH)) {
      throw new AppError('invalid', `${metadata.type}: nested too deeply`);
    }
    if (metadata.type === 'query') return this.queryPipe.transform(value, metadata);
    return super.transform(value, metadata);
  }
}

/**
 * Whitelist + forbid unknown fields (query parameters: ignore them); the first failing rule of
 * each field becomes one `invalid` error of bounded size.
 */
export function createValidationPipe(): ValidationPipe {
  return new ContractValidationPipe({ ...OPTIONS, forbidNonWhitelisted: true });
}
