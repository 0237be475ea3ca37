import { open } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';

export const MB = 1024 * 1024;

/** A file of `mb` MiB on disk: one random MiB repeated (the transfer encrypts it, so content does not matter). */
export async function bigFile(path: string, mb: number): Promise<void> {
  const block = randomBytes(MB);
  const file = await open(path, 'w');
  try {
    for (let i = 0; i < mb; i++) await file.write(block);
  } finally {
    await file.close();
  }
}
