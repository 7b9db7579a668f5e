import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { GLOBAL_CHAT_ID, isUuid, type AuthResult, type User } from '@chat/shared-types';
import * as bcrypt from 'bcrypt';
import { createHash } from 'node:crypto';
import { DataSource, QueryFailedError, Repository } from 'typeorm';
import { AppError } from '../common/app-error';
import { Batcher } from '../common/batcher';
import { DomainEvents } from '../common/events/domain-events';
import { authConfig, type AuthConfig } from '../config/configuration';
import { PresenceService } from '../presence/presence.service';
import { UserEntity } from '../users/user.entity';
import type { AuthenticatedUser } from './authenticated-user';
import { LoginDto } from './dto/login.dto';
import { RegisterDto } from './dto/register.dto';
import { AuthThrottle } from './auth-throttle';
import { SessionEntity } from './session.entity';

interface TokenClaims {
  sub: string;
  sid: string;
  exp: number;
}

export interface SocketIdentity {
  user: AuthenticatedUser;
  chatIds: string[];
}

interface SessionRow {
  id: string;
  login: string;
  full_name: string;
  chat_ids?: string[] | null;
}

const LIVE_SESSIONS = `SELECT u.id, u.login, u.full_name FROM sessions s JOIN users u ON u.id = s.user_id`;
const LIVE_SESSIONS_WITH_CHATS = `SELECT s.id AS session_id, u.id, u.login, u.full_name,
    (SELECT array_agg(chat_id) FROM chat_members WHERE user_id = u.id) AS chat_ids
  FROM sessions s JOIN users u ON u.id = s.user_id`;
const LIVE = `AND s.revoked_at IS NULL AND s.expires_at > now()`;

const BAD_CREDENTIALS = 'Invalid login or password';
const UNIQUE_VIOLATION = '23505';

@Injectable()
export class AuthService {
  /**
   * Socket handshakes look their sessions up in batches (one query for all the handshakes
   * waiting at that moment): a reconnect storm costs a query per batch, not per socket.
   */
  private readonly handshakeSessions = new Batcher((ids: string[]) =>
    this.liveSessionsWithChats(ids),
  );

  /** Compared against when the login is unknown, so both failures take the same time. */
  private readonly dummyHash: Promise<string>;

  constructor(
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    private readonly jwt: JwtService,
    private readonly throttle: AuthThrottle,
    private readonly presence: PresenceService,
    private readonly events: DomainEvents,
  ) {
    this.dummyHash = bcrypt.hash('dummy password for timing', config.bcryptCost);
  }

  /** `address`: the client's, for the registrations-per-address limit. */
  async register(dto: RegisterDto, address: string): Promise<AuthResult> {
    await this.throttle.takeRegistration(address);
    const passwordHash = await bcrypt.hash(prehash(dto.password), this.config.bcryptCost);
    let user: UserEntity;
    try {
      user = await this.db.transaction(async (tx) => {
        const created = await tx.save(
          tx.create(UserEntity, { login: dto.login, fullName: dto.fullName, passwordHash }),
        );
        await tx.query(`INSERT INTO chat_members (chat_id, user_id) VALUES ($1, $2)`, [
          GLOBAL_CHAT_ID,
          created.id,
        ]);
        return created;
      });
    } catch (error) {
      if (error instanceof QueryFailedError && error.driverError?.code === UNIQUE_VIOLATION) {
        throw new AppError('conflict', 'login is already taken');
      }
      throw error;
    }
    return this.startSession(user);
  }

  async login(dto: LoginDto, address: string): Promise<AuthResult> {
    await this.throttle.takeLoginAttempt(dto.login, address);
    // Plain SQL on the sign-in path: the main thread's time is taken from the hashing threads.
    const [user]: { id: string; login: string; full_name: string; password_hash: string }[] =
      await this.db.query(
        `SELECT id, login, full_name, password_hash FROM users WHERE login = $1`,
        [dto.login],
      );
    const matches = await bcrypt.compare(
      prehash(dto.password),
      user?.password_hash ?? (await this.dummyHash),
    );
    if (!user || !matches) throw new AppError('unauthorized', BAD_CREDENTIALS);
    await this.throttle.loginSucceeded(dto.login, address);
    return this.startSession({ id: user.id, login: user.login, fullName: user.full_name });
  }

  async logout(user: AuthenticatedUser): Promise<void> {
    await this.sessions.update({ id: user.sessionId }, { revokedAt: () => 'now()' });
    this.events.emit('session.ended', { userId: user.id, sessionId: user.sessionId });
  }

  /** Verifies signature, algorithm and expiry, then that the session is still live. */
  async authenticate(token: string | undefined | null): Promise<AuthenticatedUser> {
    return (await this.verify(token, false)).user;
  }

  /**
   * The same, for a socket handshake: with the ids of the user's chats (the rooms to join)
   * from the same query, batched with the other handshakes waiting (handshakeSessions).
   */
  authenticateSocket(token: string | undefined | null): Promise<SocketIdentity> {
    return this.verify(token, true);
  }

  private async verify(token: string | undefined | null, withChats: boolean) {
    if (!token) throw new AppError('unauthorized', 'A bearer token is required');
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token, { algorithms: ['HS256'] });
    } catch {
      throw new AppError('unauthorized', 'The token is invalid or expired');
    }
    if (!isUuid(claims.sub) || !isUuid(claims.sid) || typeof claims.exp !== 'number') {
      throw new AppError('unauthorized', 'The token is invalid or expired');
    }
    const row = withChats
      ? await this.handshakeSessions.load(claims.sid)
      : await this.liveSession(claims.sid);
    if (!row || row.id !== claims.sub) {
      throw new AppError('unauthorized', 'The session has ended; sign in again');
    }
    const user: AuthenticatedUser = {
      id: row.id,
      login: row.login,
      fullName: row.full_name,
      sessionId: claims.sid,
      expiresAt: claims.exp,
    };
    return { user, chatIds: row.chat_ids ?? [] };
  }

  /** A live (not revoked, not expired) session's user. */
  private async liveSession(sessionId: string): Promise<SessionRow | undefined> {
    const rows: SessionRow[] = await this.db.query(`${LIVE_SESSIONS} WHERE s.id = $1 ${LIVE}`, [
      sessionId,
    ]);
    return rows[0];
  }

  /** The same for many handshakes at once, with each user's chat ids. */
  private async liveSessionsWithChats(sessionIds: string[]): Promise<Map<string, SessionRow>> {
    const rows: (SessionRow & { session_id: string })[] = await this.db.query(
      `${LIVE_SESSIONS_WITH_CHATS} WHERE s.id = ANY($1::uuid[]) ${LIVE}`,
      [sessionIds],
    );
    return new Map(rows.map((row) => [row.session_id, row]));
  }

  private async startSession(user: Pick<User, 'id' | 'login' | 'fullName'>): Promise<AuthResult> {
    const ttl = this.config.tokenTtlSeconds;
    const [session]: { id: string }[] = await this.db.query(
      `INSERT INTO sessions (user_id, expires_at) VALUES ($1, $2) RETURNING id`,
      [user.id, new Date(Date.now() + ttl * 1000)],
    );
    if (!session) throw new Error('the session was not stored');
    const accessToken = await this.jwt.signAsync(
      { sub: user.id, sid: session.id },
      { algorithm: 'HS256', expiresIn: ttl },
    );
    return {
      accessToken,
      user: {
        id: user.id,
        login: user.login,
        fullName: user.fullName,
        online: await this.presence.isOnline(user.id),
      },
    };
  }
}

/**
 * bcrypt reads at most 72 bytes, and a password may be 128 characters of up to 4 bytes each:
 * hashing it first (SHA-256, base64: 44 bytes) makes every character count.
 */
function prehash(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('base64');
}
