import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Ack } from '@chat/shared-types';
import { mapError } from '../error-mapping';

/**
 * Turns any error in a gateway handler into a failed Ack for the caller's callback.
 * The socket stays connected; nothing is emitted to anyone else.
 */
@Catch()
export class WsExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    // Nest calls a gateway handler with (client, data, ack, pattern).
    const ack: unknown = host.getArgByIndex(2);
    const { code, message } = mapError(exception);
    const result: Ack<never> = { ok: false, error: { code, message } };
    if (typeof ack === 'function') ack(result);
  }
}
