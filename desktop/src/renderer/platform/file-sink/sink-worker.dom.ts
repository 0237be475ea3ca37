import { serveFileSinks, type SinkPort, type SyncDirectoryLike } from './sink-server.js';

/*
 * The dedicated worker that owns received files while they arrive (worker-sinks.dom.ts starts it): the only
 * place a browser lets the page write an OPFS file with a sync access handle.
 */

serveFileSinks(globalThis as unknown as SinkPort, async () => {
  const storage = (navigator as Partial<Navigator>).storage;
  if (typeof storage?.getDirectory !== 'function') return undefined;
  return (await storage.getDirectory()) as unknown as SyncDirectoryLike;
});
