import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';

const HASHED = /-[A-Z0-9]{8}\.(js|css)$/;

/**
 * The API's territory: `/api…` in any case, after any number of slashes (`/API/chats`,
 * `//api/chats`, `/apix`). Never answered with the app, so a mistyped API path gets the API's
 * JSON 404 rather than a page of HTML.
 */
const API_PATH = /^\/+api/i;

/**
 * Serves the built web app from the API's own port. Paths without a file extension fall back
 * to index.html so deep links and reloads work; a missing asset stays a 404.
 */
export function serveWebApp(app: NestExpressApplication, webDir: string): void {
  const logger = new Logger('WebApp');
  const index = join(webDir, 'index.html');
  if (!existsSync(index)) {
    logger.warn(`No web build in ${webDir}: serving the API only (run: npx nx build web)`);
    return;
  }
  app.useStaticAssets(webDir, {
    index: false,
    setHeaders: (res, path) =>
      res.setHeader(
        'Cache-Control',
        HASHED.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
      ),
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    const isApi = API_PATH.test(req.path);
    const isSocket = req.path.startsWith('/socket.io');
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApi || isSocket || extname(req.path)) {
      return next();
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  logger.log(`Serving the web app from ${webDir}`);
}
