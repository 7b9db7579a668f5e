import { DOCUMENT, Injectable, computed, inject, signal } from '@angular/core';
import type { AuthResult, User } from '@chat/shared-types';
import { Subject } from 'rxjs';

export const SESSION_STORAGE_KEY = 'chat.session';

export type Session = AuthResult;

function isUser(value: unknown): value is User {
  if (typeof value !== 'object' || value === null) return false;
  const user = value as Record<string, unknown>;
  return (
    typeof user['id'] === 'string' &&
    typeof user['login'] === 'string' &&
    typeof user['fullName'] === 'string'
  );
}

function parseSession(raw: string | null): Session | null {
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return null;
    const session = value as Record<string, unknown>;
    if (typeof session['accessToken'] !== 'string' || !isUser(session['user'])) return null;
    return { accessToken: session['accessToken'], user: session['user'] };
  } catch {
    return null;
  }
}

/** The signed-in user and their token, kept in localStorage so a reload stays signed in. */
@Injectable({ providedIn: 'root' })
export class SessionStore {
  private readonly storage: Storage | null = inject(DOCUMENT).defaultView?.localStorage ?? null;
  private readonly state = signal<Session | null>(
    parseSession(this.storage?.getItem(SESSION_STORAGE_KEY) ?? null),
  );

  readonly session = this.state.asReadonly();
  readonly token = computed(() => this.state()?.accessToken ?? null);
  readonly user = computed(() => this.state()?.user ?? null);
  readonly signedIn = computed(() => this.state() !== null);

  private readonly signedOutElsewhere = new Subject<void>();
  /** Another tab signed out (or in as someone else). */
  readonly signedOutElsewhere$ = this.signedOutElsewhere.asObservable();

  constructor() {
    // Signing in or out in another tab applies here too.
    inject(DOCUMENT).defaultView?.addEventListener('storage', (event) => {
      if (event.key !== SESSION_STORAGE_KEY) return;
      const previous = this.state();
      const next = parseSession(event.newValue);
      this.state.set(next);
      if (previous && next?.user.id !== previous.user.id) this.signedOutElsewhere.next();
    });
  }

  /** The signed-in user's id; empty while signed out. */
  userId(): string {
    return this.state()?.user.id ?? '';
  }

  set(session: Session): void {
    this.state.set(session);
    this.storage?.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
  }

  updateUser(user: User): void {
    const current = this.state();
    if (current && current.user.id === user.id) this.set({ ...current, user });
  }

  clear(): void {
    this.state.set(null);
    this.storage?.removeItem(SESSION_STORAGE_KEY);
  }
}
