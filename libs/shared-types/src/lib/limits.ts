/** Validation rules of the contract, shared so the client can check before the server does. */
export const LIMITS = {
  loginMin: 3,
  loginMax: 32,
  fullNameMin: 1,
  fullNameMax: 64,
  passwordMin: 8,
  passwordMax: 128,
  contentMin: 1,
  contentMax: 4000,
  pageDefault: 50,
  pageMax: 100,
  usersDefault: 50,
  usersMax: 100,
  searchMax: 64,
} as const;

/** `login`: a-z 0-9 _ . - (stored lower-case). */
export const LOGIN_PATTERN = /^[a-z0-9_.-]{3,32}$/;

/** A message id or cursor: a positive integer as a decimal string. */
export const MESSAGE_ID_PATTERN = /^[1-9][0-9]{0,18}$/;

export const GLOBAL_CHAT_ID = 'all';
export const GLOBAL_CHAT_TITLE = 'All';
