import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';
import { SessionStore } from './session.store';

export const authGuard: CanActivateFn = () =>
  inject(SessionStore).signedIn() || inject(Router).createUrlTree(['/login']);

/** Sign-in and register pages are for signed-out visitors only. */
export const guestGuard: CanActivateFn = () =>
  !inject(SessionStore).signedIn() || inject(Router).createUrlTree(['/']);
