/*
 * What the page and the file-sink worker (sink-worker.dom.ts) say to each other. Every request is answered,
 * in the order it came, with its number: a write's answer says its bytes are in the file, a flush's that
 * every byte written before it is durable.
 */

/** The OPFS folder received files live in (one entry per message id), for the page and the worker. */
export const FILES_FOLDER = 'parley-files';

export type ToSinkWorker =
  /** Can this browser open an OPFS file with a sync access handle here? Answered with `value`. */
  | { readonly type: 'probe'; readonly request: number }
  /** Opens file `name` of FILES_FOLDER as sink `sink`; `keep`: keep its bytes (a resumed transfer). */
  | {
      readonly type: 'open';
      readonly request: number;
      readonly sink: number;
      readonly name: string;
      readonly keep: boolean;
    }
  | {
      readonly type: 'write';
      readonly request: number;
      readonly sink: number;
      readonly offset: number;
      readonly bytes: Uint8Array;
    }
  | { readonly type: 'flush'; readonly request: number; readonly sink: number }
  /** The file is complete: flushed and closed. */
  | { readonly type: 'close'; readonly request: number; readonly sink: number }
  /** The file failed: closed and removed. */
  | { readonly type: 'abort'; readonly request: number; readonly sink: number };

export type FromSinkWorker =
  | { readonly request: number; readonly ok: true; readonly value?: boolean }
  | { readonly request: number; readonly ok: false; readonly error: string };
