export * from './lib/api-process';
export * from './lib/postgres';
export * from './lib/ports';
export * from './lib/test-api';
