// Starts the opener's worker from core's TypeScript sources (under tsx or vitest, as core runs in Node):
// a worker thread does not inherit the parent's loader, so tsx is registered in this thread first.
import { workerData } from 'node:worker_threads';

const { register } = await import('tsx/esm/api');
register();
await import(workerData.entry);
