import { ValidationError, ValidationPipe } from '@nestjs/common';
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

/** Whitelist + forbid unknown fields; the first failing rules become one `invalid` error. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
