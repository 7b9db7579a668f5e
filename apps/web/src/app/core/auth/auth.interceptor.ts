import { HttpErrorResponse, HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, throwError } from 'rxjs';
import { AuthService } from './auth.service';
import { SessionStore } from './session.store';

/** Routes where a 401 means "wrong credentials", not "your session ended". */
const CREDENTIAL_ROUTES = ['/api/auth/login', '/api/auth/register'];

export const authInterceptor: HttpInterceptorFn = (request, next) => {
  if (!request.url.startsWith('/api/')) return next(request);
  const token = inject(SessionStore).token();
  const auth = inject(AuthService);
  const isCredentialRoute = CREDENTIAL_ROUTES.includes(request.url);
  const authorized =
    token && !isCredentialRoute
      ? request.clone({ setHeaders: { Authorization: `Bearer ${token}` } })
      : request;
  return next(authorized).pipe(
    catchError((error: unknown) => {
      if (error instanceof HttpErrorResponse && error.status === 401 && !isCredentialRoute) {
        auth.expire();
      }
      return throwError(() => error);
    }),
  );
};
