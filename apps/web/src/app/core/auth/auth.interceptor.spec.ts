import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { authInterceptor } from './auth.interceptor';
import { SessionStore } from './session.store';

describe('authInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;
  let session: SessionStore;
  let router: Router;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        provideRouter([]),
      ],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
    session = TestBed.inject(SessionStore);
    router = TestBed.inject(Router);
    session.set({
      accessToken: 'secret-token',
      user: { id: 'u1', login: 'ada', fullName: 'Ada', online: true },
    });
  });

  afterEach(() => localStorage.clear());

  it('sends the token with API calls', () => {
    http.get('/api/chats').subscribe();

    const request = backend.expectOne('/api/chats');
    expect(request.request.headers.get('Authorization')).toBe('Bearer secret-token');
  });

  it('forgets the session and returns to sign-in on a 401', () => {
    const navigate = vi.spyOn(router, 'navigate').mockResolvedValue(true);
    http.get('/api/chats').subscribe({ error: () => undefined });

    backend
      .expectOne('/api/chats')
      .flush(
        { statusCode: 401, error: 'unauthorized', message: 'x' },
        { status: 401, statusText: '' },
      );

    expect(session.signedIn()).toBe(false);
    expect(localStorage.getItem('chat.session')).toBeNull();
    expect(navigate).toHaveBeenCalledWith(['/login'], { queryParams: { expired: 1 } });
  });

  it('leaves a wrong password to the sign-in form', () => {
    session.clear();
    const navigate = vi.spyOn(router, 'navigate');
    http.post('/api/auth/login', { login: 'ada', password: 'nope' }).subscribe({
      error: () => undefined,
    });

    backend
      .expectOne('/api/auth/login')
      .flush(
        { statusCode: 401, error: 'unauthorized', message: 'x' },
        { status: 401, statusText: '' },
      );

    expect(navigate).not.toHaveBeenCalled();
  });
});
