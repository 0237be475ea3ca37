// shared/: small pieces every concept uses: addresses and conversation ids, the serial queue, micro-batches,
// bytes helpers and the sealed engine-state store. No module here imports a concept folder.
export { InMemoryEngineStateStore, type EngineStateStore } from './state-store.js';
