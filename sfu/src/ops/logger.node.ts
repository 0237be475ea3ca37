import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout (pino), one line an event; identities and room ids, never tokens or keys. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'parley-sfu' } });
}
