import { SetMetadata } from '@nestjs/common';

export const BODY_TYPES = 'bodyTypes';

/** What every route takes as a request body unless it says otherwise with @AcceptsBody. */
export const DEFAULT_BODY_TYPES: readonly string[] = ['application/json'];

/**
 * The media types a route's body may have (BodyTypeGuard answers 415 for any other), e.g.
 * `@AcceptsBody('multipart/form-data')` on an upload route. Replaces the JSON default.
 */
export const AcceptsBody = (...types: [string, ...string[]]) => SetMetadata(BODY_TYPES, types);
