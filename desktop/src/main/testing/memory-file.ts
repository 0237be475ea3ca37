import type { TextFile } from '../files.js';

/** A TextFile in memory, for tests of what main keeps in userData. */
export function memoryFile(text?: string): TextFile & { text: string | undefined } {
  const file = {
    text,
    read: () => Promise.resolve(file.text),
    write: (next: string) => {
      file.text = next;
      return Promise.resolve();
    },
  };
  return file;
}
