import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';

/** A small text file in userData: read (undefined if absent) and atomic replace (write temp, fsync, rename). */
export interface TextFile {
  read(): Promise<string | undefined>;
  write(text: string): Promise<void>;
}

/** The file's JSON if it has `schema`'s shape; undefined when it is absent, damaged or of another shape. */
export async function readJsonFile<T>(file: TextFile, schema: z.ZodType<T>): Promise<T | undefined> {
  const text = await file.read();
  if (text === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function textFile(file: string): TextFile {
  return {
    async read() {
      try {
        return await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async write(text) {
      await mkdir(path.dirname(file), { recursive: true });
      const temp = `${file}.${randomUUID()}.tmp`;
      try {
        await writeFile(temp, text, { encoding: 'utf8', mode: 0o600, flush: true });
        await rename(temp, file);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
  };
}
