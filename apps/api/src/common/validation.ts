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

class ContractValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Only what a client sent: not the socket or request objects that also pass through pipes.
    const fromClient = metadata.type === 'body' || metadata.type === 'query';
    if (fromClient && nestsDeeperThan(value, MAX_DEPTH)) {
      throw new AppError('invalid', `${metadata.type}: nested too deeply`);
    }
    return super.transform(value, metadata);
  }
}

/** Whitelist + forbid unknown fields; the first failing rules become one `invalid` error. */
export function createValidationPipe(): ValidationPipe {
  return new ContractValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new AppError('invalid', describeValidationErrors(errors).join('; ')),
  });
}
