import { HttpStatus } from '@nestjs/common';
import { METHODS } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../app-error';

/** What this middleware reads of Express's router (the `router` package's Layer and Route). */
interface RouteLayer {
  match(path: string): unknown;
  route?: {
    methods: Record<string, boolean | undefined>;
    _handlesMethod(method: string): boolean;
    _methods(): string[];
  };
}

function takesEveryMethod(route: NonNullable<RouteLayer['route']>): boolean {
  return Boolean(route.methods['_all']) || METHODS.every((m) => route.methods[m.toLowerCase()]);
}

/**
 * The methods the app's route table has for the request's path (empty: no route has that path),
 * or null when a route takes the request's own method.
 */
function allowedMethods(request: Request): Set<string> | null {
  const stack = (request.app as unknown as { router: { stack: RouteLayer[] } }).router.stack;
  const allowed = new Set<string>();
  for (const layer of stack) {
    if (!layer.route) continue;
    let matches: unknown;
    try {
      matches = layer.match(request.path);
    } catch {
      continue; // a malformed escape in the path: Express answers that itself
    }
    // A route for every method is middleware mounted with forRoutes (metrics, logging), not
    // an endpoint: it says nothing about which methods the path has.
    if (!matches || takesEveryMethod(layer.route)) continue;
    if (layer.route._handlesMethod(request.method)) return null;
    for (const method of layer.route._methods()) allowed.add(method);
  }
  return allowed;
}

/**
 * An unsupported method on a path the API has is 405 with `Allow` (and a plain OPTIONS is
 * answered with `Allow`), read from Express's route table at request time, so every route
 * Nest registers is covered without a list. Runs before the routes; any other path or method
 * goes on to them (and an unknown path to the 404).
 */
export function methodNotAllowed(request: Request, response: Response, next: NextFunction): void {
  const allowed = allowedMethods(request);
  if (allowed === null || allowed.size === 0) return next();
  allowed.add('OPTIONS');
  const allow = [...allowed].join(', ');
  response.setHeader('Allow', allow);
  if (request.method === 'OPTIONS') {
    response.status(HttpStatus.NO_CONTENT).end();
    return;
  }
  next(
    new AppError('invalid', `${request.method} is not allowed here; this path takes ${allow}`, {
      status: HttpStatus.METHOD_NOT_ALLOWED,
    }),
  );
}
