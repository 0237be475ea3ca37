export * from './errors/index.js';
export * from './protocol/index.js';
export * from './crypto/index.js';
export * from './link/index.js';
export * from './transfer/index.js';
export * from './storage/index.js';
export * from './engine/index.js';
export * from './calls/index.js';
