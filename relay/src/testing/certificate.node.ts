import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificate {
  certFile: string;
  keyFile: string;
  /** The PEM certificate, for a client's `ca`. */
  cert: Buffer;
  /** SHA-256 fingerprint as Node prints it (`AB:CD:…`), to tell which certificate a server presented. */
  fingerprint: string;
}

/**
 * A throwaway self-signed certificate for 127.0.0.1 and localhost, made with Debian's openssl at test time
 * (Node's crypto makes keys but not certificates). Written as `<name>.crt` and `<name>.key` in `dir`.
 */
export async function makeCertificate(dir: string, name: string): Promise<TestCertificate> {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=parley test ${name}`,
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  const cert = await readFile(certFile);
  return { certFile, keyFile, cert, fingerprint: new X509Certificate(cert).fingerprint256 };
}
