/**
 * The messaging engine: ParleyClient, its services (one folder each) and what an application needs to drive
 * it. Everything not exported here is internal.
 */
export { ParleyClient } from './parley-client.js';
export type { EngineTuning, ParleyClientOptions } from './options.js';
export type { ParleyClientEvents } from './events.js';
export {
  systemTimers,
  type EngineTimers,
  type FetchLike,
  type RelaySocket,
  type SocketFactory,
} from './platform.js';
export * from './account/index.js';
export * from './contacts/index.js';
export * from './conversations/index.js';
export * from './messaging/index.js';
export * from './groups/index.js';
export * from './files/index.js';
export * from './status/index.js';
export * from './relay/index.js';
export * from './links/index.js';
export * from './presence/index.js';
export * from './calls/index.js';
export * from './call-keys/index.js';
export * from './group-calls/index.js';
export * from './group-mesh/index.js';
export * from './shared/index.js';
export * from './trust/index.js';
export * from './devices/index.js';
