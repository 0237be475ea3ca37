export * from './linking/index.js';
export * from './history/index.js';
export * from './attachments/index.js';
