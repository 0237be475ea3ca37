import { readFile } from 'node:fs/promises';
import type { Server as HttpsServer } from 'node:https';
import { createSecureContext } from 'node:tls';
import type { TlsFiles } from '../config.js';

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
}

/**
 * Reads the PEM certificate chain and key, and builds a context from them once so that a key that does not
 * match its certificate (or a file that is not PEM) fails here with the files named, not at the first client.
 */
export async function readTlsFiles(files: TlsFiles): Promise<TlsMaterial> {
  const [cert, key] = await Promise.all([readFile(files.certFile), readFile(files.keyFile)]);
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`TLS certificate ${files.certFile} with key ${files.keyFile} is unusable: ${reason}`);
  }
  return { cert, key };
}

/**
 * Re-reads the files and hands new connections the new certificate. Connections already open keep the
 * session they negotiated: nothing is dropped, which is what a certificate renewal (SIGHUP) needs. On any
 * error the server keeps its current certificate.
 */
export async function reloadTls(server: HttpsServer, files: TlsFiles): Promise<void> {
  server.setSecureContext(await readTlsFiles(files));
}
