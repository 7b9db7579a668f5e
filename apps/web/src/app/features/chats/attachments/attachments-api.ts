import {
  HttpClient,
  HttpErrorResponse,
  HttpXhrBackend,
  type HttpEvent,
  type HttpRequest,
} from '@angular/common/http';
import {
  EnvironmentInjector,
  Injectable,
  InjectionToken,
  inject,
  runInInjectionContext,
} from '@angular/core';
import type { Attachment } from '@chat/shared-types';
import type { Observable } from 'rxjs';
import { authInterceptor } from '../../../core/auth/auth.interceptor';
import { describeHttpError } from '../../../core/http-error';

/**
 * HttpClient on XMLHttpRequest, with the session's token: the app's fetch backend cannot
 * report upload progress.
 */
export const UPLOAD_HTTP = new InjectionToken<HttpClient>('UPLOAD_HTTP', {
  providedIn: 'root',
  factory: () => {
    const injector = inject(EnvironmentInjector);
    const xhr = inject(HttpXhrBackend);
    return new HttpClient({
      handle: (request: HttpRequest<unknown>) =>
        runInInjectionContext(injector, () => authInterceptor(request, (r) => xhr.handle(r))),
    });
  },
});

/** Why an upload failed, for the user; `transient`: it may work by itself later (network, 5xx). */
export interface UploadProblem {
  transient: boolean;
  text: string;
}

/** POST /api/chats/:id/attachments, one file a request, with upload progress. */
@Injectable({ providedIn: 'root' })
export class AttachmentsApi {
  private readonly http = inject(UPLOAD_HTTP);

  upload(chatId: string, file: File): Observable<HttpEvent<Attachment>> {
    const body = new FormData();
    body.append('file', file, file.name);
    return this.http.post<Attachment>(
      `/api/chats/${encodeURIComponent(chatId)}/attachments`,
      body,
      { observe: 'events', reportProgress: true },
    );
  }
}

/** The API's reason for refusing a file, in the user's words. */
export function uploadProblem(error: unknown): UploadProblem {
  const { code, message } = describeHttpError(error);
  const status = error instanceof HttpErrorResponse ? error.status : 0;
  if (code === 'network' || code === 'unavailable' || status >= 500) {
    return { transient: true, text: 'Waiting for the connection…' };
  }
  if (status === 413) {
    const limit = /(\d+)\s*MB/.exec(message)?.[1];
    return { transient: false, text: limit ? `Too large (over ${limit} MB)` : 'Too large' };
  }
  if (status === 415) return { transient: false, text: `File type not allowed: ${message}` };
  if (code === 'rate_limited') return { transient: false, text: message };
  if (code === 'forbidden') return { transient: false, text: "You can't send files here" };
  return { transient: false, text: message };
}
