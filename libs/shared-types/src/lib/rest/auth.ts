import type { User } from '../models';

/** POST /api/auth/register */
export interface RegisterRequest {
  login: string;
  fullName: string;
  password: string;
}

/** POST /api/auth/login */
export interface LoginRequest {
  login: string;
  password: string;
}

/** 201 from register, 200 from login. */
export interface AuthResult {
  accessToken: string;
  user: User;
}
