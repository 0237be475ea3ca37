/**
 * Moving the history to a newly linked device: export in bounded batches from a checkpoint, import, and the
 * windowed sender/receiver over the device-link channel. Owns the 'device-link:history-checkpoint' key.
 */
export { HISTORY_STATE_PREFIXES, countHistory, exportHistory } from './export.js';
export { HISTORY_CHECKPOINT_KEY, importHistoryBatch, loadCheckpoint } from './import.js';
export { HISTORY_BATCH_BYTES, HISTORY_WINDOW, type HistoryProgress } from './transfer.js';
export type { HistoryCheckpoint } from './wire.js';
