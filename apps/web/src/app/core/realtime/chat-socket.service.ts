import {
  DOCUMENT,
  Injectable,
  InjectionToken,
  OnDestroy,
  computed,
  inject,
  signal,
} from '@angular/core';
import { toObservable } from '@angular/core/rxjs-interop';
import {
  HANDSHAKE_UNAUTHORIZED,
  type Ack,
  type ClientToServerEvents,
  type HandshakeAuth,
  type ServerToClientEvents,
} from '@chat/shared-types';
import { BehaviorSubject, EMPTY, Observable, Subject, switchMap } from 'rxjs';
import { io, type Socket } from 'socket.io-client';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ServerEvent = keyof ServerToClientEvents;
export type ClientEvent = keyof ClientToServerEvents;
export type ServerPayload<E extends ServerEvent> = Parameters<ServerToClientEvents[E]>[0];
export type ClientPayload<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[0];
export type ClientAck<E extends ClientEvent> = Parameters<
  Parameters<ClientToServerEvents[E]>[1]
>[0];

/**
 * - `connecting`: first attempt under way
 * - `connected`
 * - `reconnecting`: was connected (or the first attempt failed) and is trying again
 * - `unauthorized`: the server refused the token; only a new sign-in helps
 * - `closed`: disconnected on purpose
 */
export type ConnectionState =
  'connecting' | 'connected' | 'reconnecting' | 'unauthorized' | 'closed';

export const SOCKET_FACTORY = new InjectionToken<(token: string) => ChatSocket>('SOCKET_FACTORY', {
  providedIn: 'root',
  // Same origin: the API serves the app in production, the dev-server proxies /socket.io.
  // Batched presence: a thousand members coming online cost a few frames, not a thousand.
  factory: () => (token: string) =>
    io({
      auth: { token, presence: 'batched' } satisfies HandshakeAuth,
      transports: ['websocket'],
      autoConnect: false,
    }),
});

export const ACK_TIMEOUT_MS = new InjectionToken<number>('ACK_TIMEOUT_MS', {
  providedIn: 'root',
  factory: () => 10_000,
});

const SERVER_RETRY_MS = 2_000;

/** The parts of the socket the untyped plumbing below needs, so generic event names type-check. */
interface LooseSocket {
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
}

/**
 * The one Socket.IO connection of a signed-in session, typed by the shared contract.
 * Server events are exposed as observables whose teardown removes the socket listener;
 * client events as promises of their acknowledgement that never hang (timeout, disconnect).
 */
@Injectable()
export class ChatSocketService implements OnDestroy {
  private readonly createSocket = inject(SOCKET_FACTORY);
  private readonly ackTimeoutMs = inject(ACK_TIMEOUT_MS);
  private readonly window = inject(DOCUMENT).defaultView;

  private readonly socket$ = new BehaviorSubject<ChatSocket | null>(null);
  private readonly connectedSubject = new Subject<void>();
  private readonly stateSignal = signal<ConnectionState>('closed');
  private readonly pendingAcks = new Set<() => void>();
  private readonly detachLifecycle: (() => void)[] = [];
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Closed because the browser went offline; reopened when it is back online. */
  private pausedOffline = false;

  readonly state = this.stateSignal.asReadonly();
  readonly state$ = toObservable(this.stateSignal);
  readonly connected = computed(() => this.stateSignal() === 'connected');
  /** Emits on every successful (re)connection, after the server has joined the chat rooms. */
  readonly connected$ = this.connectedSubject.asObservable();

  connect(token: string): void {
    if (this.socket$.value) return;
    const socket = this.createSocket(token);
    this.stateSignal.set('connecting');
    this.listen(socket, 'connect', () => {
      this.stateSignal.set('connected');
      this.connectedSubject.next();
    });
    this.listen(socket, 'disconnect', (reason: string) => {
      this.failPendingAcks();
      if (reason === 'io client disconnect') {
        this.stateSignal.set(this.pausedOffline ? 'reconnecting' : 'closed');
        return;
      }
      this.stateSignal.set('reconnecting');
      // The server closed the socket itself: Socket.IO does not retry that on its own.
      if (reason === 'io server disconnect') this.retryLater(socket);
    });
    this.listen(socket, 'connect_error', (error: Error) => {
      if (error.message === HANDSHAKE_UNAUTHORIZED) {
        this.stateSignal.set('unauthorized');
        return;
      }
      this.stateSignal.set('reconnecting');
      if (!socket.active) this.retryLater(socket);
    });
    this.watchNetwork(socket);
    this.socket$.next(socket);
    socket.connect();
  }

  disconnect(): void {
    clearTimeout(this.retryTimer);
    const socket = this.socket$.value;
    if (!socket) return;
    this.failPendingAcks();
    this.detachLifecycle.splice(0).forEach((detach) => detach());
    this.pausedOffline = false;
    this.socket$.next(null);
    socket.disconnect();
    this.stateSignal.set('closed');
  }

  ngOnDestroy(): void {
    this.disconnect();
    this.socket$.complete();
    this.connectedSubject.complete();
  }

  /** A server event as an observable; unsubscribing removes the listener from the socket. */
  on<E extends ServerEvent>(event: E): Observable<ServerPayload<E>> {
    return this.socket$.pipe(
      switchMap((socket) =>
        socket
          ? new Observable<ServerPayload<E>>((subscriber) => {
              const listener = (payload: ServerPayload<E>) => subscriber.next(payload);
              const loose = socket as unknown as LooseSocket;
              loose.on(event, listener);
              return () => loose.off(event, listener);
            })
          : EMPTY,
      ),
    );
  }

  /**
   * Emits a client event and resolves with its acknowledgement. While disconnected it does not
   * queue the packet (callers decide what to resend) and answers `unavailable` at once; a
   * connection lost before the ack, or no ack in time, also answers `unavailable`.
   */
  request<E extends ClientEvent>(event: E, payload: ClientPayload<E>): Promise<ClientAck<E>> {
    const socket = this.socket$.value;
    const unavailable = (message: string) =>
      ({ ok: false, error: { code: 'unavailable', message } }) as ClientAck<E>;
    if (!socket || !socket.connected) return Promise.resolve(unavailable('Not connected'));
    return new Promise<ClientAck<E>>((resolve) => {
      let settled = false;
      const settle = (result: ClientAck<E>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.pendingAcks.delete(onDisconnect);
        resolve(result);
      };
      const onDisconnect = () => settle(unavailable('Connection lost'));
      const timer = setTimeout(
        () => settle(unavailable('No answer from the server')),
        this.ackTimeoutMs,
      );
      this.pendingAcks.add(onDisconnect);
      (socket as unknown as LooseSocket).emit(event, payload, (result: Ack<unknown>) =>
        settle(result as ClientAck<E>),
      );
    });
  }

  private listen<A extends unknown[]>(
    socket: ChatSocket,
    event: 'connect' | 'disconnect' | 'connect_error',
    listener: (...args: A) => void,
  ): void {
    const loose = socket as unknown as LooseSocket;
    const handler = listener as unknown as (...args: never[]) => void;
    loose.on(event, handler);
    this.detachLifecycle.push(() => loose.off(event, handler));
  }

  /**
   * The browser knows at once when the network goes; the socket's heartbeat would take most of
   * a minute. Close it then (pending acks fail, messages stay queued) and reopen when back.
   */
  private watchNetwork(socket: ChatSocket): void {
    const window = this.window;
    if (!window) return;
    const offline = () => {
      this.pausedOffline = true;
      clearTimeout(this.retryTimer);
      socket.disconnect();
      this.stateSignal.set('reconnecting');
    };
    const online = () => {
      if (!this.pausedOffline) return;
      this.pausedOffline = false;
      socket.connect();
    };
    window.addEventListener('offline', offline);
    window.addEventListener('online', online);
    this.detachLifecycle.push(() => {
      window.removeEventListener('offline', offline);
      window.removeEventListener('online', online);
    });
  }

  private retryLater(socket: ChatSocket): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (this.socket$.value === socket && !socket.connected) socket.connect();
    }, SERVER_RETRY_MS);
  }

  private failPendingAcks(): void {
    [...this.pendingAcks].forEach((fail) => fail());
  }
}
