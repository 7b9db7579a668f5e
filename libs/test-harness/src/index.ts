export * from './lib/api-process';
export * from './lib/child-server';
export * from './lib/ports';
export * from './lib/postgres';
export * from './lib/postgres-server';
export * from './lib/redis-server';
export * from './lib/test-api';
