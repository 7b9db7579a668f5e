import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Router } from '@angular/router';
import type { AuthResult, LoginRequest, RegisterRequest, User } from '@chat/shared-types';
import { Observable, firstValueFrom, map, tap } from 'rxjs';
import { SessionStore } from './session.store';

@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  private readonly session = inject(SessionStore);

  login(request: LoginRequest): Observable<User> {
    return this.http.post<AuthResult>('/api/auth/login', request).pipe(
      tap((result) => this.session.set(result)),
      map((result) => result.user),
    );
  }

  register(request: RegisterRequest): Observable<User> {
    return this.http.post<AuthResult>('/api/auth/register', request).pipe(
      tap((result) => this.session.set(result)),
      map((result) => result.user),
    );
  }

  /** Revokes the token on the server, then forgets it here whatever the server said. */
  async logout(): Promise<void> {
    try {
      if (this.session.signedIn())
        await firstValueFrom(this.http.post<void>('/api/auth/logout', {}));
    } catch {
      // The token is dropped locally either way.
    } finally {
      this.session.clear();
      await this.router.navigateByUrl('/login');
    }
  }

  /** The token stopped working (a 401 or a refused socket handshake): back to sign-in. */
  expire(): void {
    if (!this.session.signedIn()) return;
    this.session.clear();
    void this.router.navigate(['/login'], { queryParams: { expired: 1 } });
  }
}
