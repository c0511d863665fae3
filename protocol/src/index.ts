export * from './errors.js';
export * from './schemas.js';
export * from './validation.js';
export * from './keys.js';
export * from './license.js';
export * from './heartbeat.js';
export * from './jwks.js';
