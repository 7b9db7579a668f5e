import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppError } from '../app-error';
import { BODY_TYPES, DEFAULT_BODY_TYPES } from '../decorators/accepts-body.decorator';

/** A body is there when it has a length or is chunked (Content-Length: 0 is no body). */
function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (!!length && Number(length) > 0);
}

/**
 * A request body in a media type the route does not read (text/plain, a form) would be
 * dropped unread and the route would complain about missing fields: answer 415 instead.
 * JSON unless the route says otherwise (@AcceptsBody).
 */
@Injectable()
export class BodyTypeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (!hasBody(request)) return true;
    const types =
      this.reflector.getAllAndOverride<readonly string[] | undefined>(BODY_TYPES, [
        context.getHandler(),
        context.getClass(),
      ]) ?? DEFAULT_BODY_TYPES;
    if (request.is([...types])) return true;
    const sent = request.headers['content-type'] ?? 'none';
    throw new AppError(
      'invalid',
      `body: Content-Type ${sent.slice(0, 100)} is not accepted here; send ${types.join(' or ')}`,
      { status: HttpStatus.UNSUPPORTED_MEDIA_TYPE },
    );
  }
}
