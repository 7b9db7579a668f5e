import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { LIMITS, LOGIN_PATTERN, textLength } from '@chat/shared-types';
import { finalize } from 'rxjs';
import { AuthService } from '../../../core/auth/auth.service';
import { describeHttpError } from '../../../core/http-error';

type Mode = 'login' | 'register';
type FieldName = 'login' | 'fullName' | 'password';

/** Sign in and register: one form, two routes (/login, /register). */
@Component({
  selector: 'app-auth-page',
  imports: [ReactiveFormsModule, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './auth-page.html',
  styleUrl: './auth-page.css',
})
export class AuthPage {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);

  /** From the route's data. */
  readonly mode = input<Mode>('login');
  /** `?expired=1`: sent here because the session ended. */
  readonly expired = input<string | undefined>(undefined);

  protected readonly limits = LIMITS;
  protected readonly registering = computed(() => this.mode() === 'register');
  protected readonly submitting = signal(false);
  protected readonly submitted = signal(false);
  protected readonly serverError = signal<string | null>(null);

  protected readonly form = inject(NonNullableFormBuilder).group({
    login: ['', [Validators.required]],
    fullName: [''],
    password: ['', [Validators.required]],
  });

  protected fieldError(field: FieldName): string | null {
    const control = this.form.controls[field];
    if (!this.submitted() && !control.touched) return null;
    const value = control.value.trim();
    const registering = this.registering();
    switch (field) {
      case 'login':
        if (!value) return 'Enter your login.';
        if (registering && !LOGIN_PATTERN.test(value.toLowerCase())) {
          return `Use ${LIMITS.loginMin}–${LIMITS.loginMax} letters, digits, dots, dashes or underscores.`;
        }
        return null;
      case 'fullName':
        if (!registering) return null;
        if (!value) return 'Enter your name as others will see it.';
        if (textLength(value) > LIMITS.fullNameMax) {
          return `At most ${LIMITS.fullNameMax} characters.`;
        }
        return null;
      case 'password': {
        const password = control.value;
        if (!password) return 'Enter your password.';
        if (registering && textLength(password) < LIMITS.passwordMin) {
          return `At least ${LIMITS.passwordMin} characters.`;
        }
        if (textLength(password) > LIMITS.passwordMax) {
          return `At most ${LIMITS.passwordMax} characters.`;
        }
        return null;
      }
    }
  }

  protected submit(): void {
    this.submitted.set(true);
    this.serverError.set(null);
    const fields: FieldName[] = this.registering()
      ? ['login', 'fullName', 'password']
      : ['login', 'password'];
    if (fields.some((field) => this.fieldError(field)) || this.submitting()) return;

    const { login, fullName, password } = this.form.getRawValue();
    const credentials = { login: login.trim().toLowerCase(), password };
    const request = this.registering()
      ? this.auth.register({ ...credentials, fullName: fullName.trim() })
      : this.auth.login(credentials);
    this.submitting.set(true);
    request.pipe(finalize(() => this.submitting.set(false))).subscribe({
      next: () => void this.router.navigateByUrl('/'),
      error: (error: unknown) => this.serverError.set(this.explain(error)),
    });
  }

  private explain(error: unknown): string {
    const problem = describeHttpError(error);
    switch (problem.code) {
      case 'unauthorized':
        return 'That login and password do not match. Check them and try again.';
      case 'conflict':
        return 'That login is taken. Pick another one.';
      case 'rate_limited':
        return 'Too many attempts. Wait a minute, then try again.';
      case 'invalid':
        return `Check the form: ${problem.message}`;
      default:
        return problem.message;
    }
  }
}
