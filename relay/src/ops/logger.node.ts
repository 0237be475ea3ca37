import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout (pino), one line an event; never payloads or keys beyond an identity. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'parley-relay' } });
}
