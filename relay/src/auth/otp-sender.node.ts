import { createHmac } from 'node:crypto';
import { ParleyError } from '@parley/core';
import type { OtpSenderConfig } from '../config.js';
import type { Logger } from '../ops/logger.node.js';

export type OtpChannel = 'sms' | 'email';

/** Delivers a one-time code to a phone number or e-mail address. The relay never decides how. */
export interface OtpSender {
  send(channel: OtpChannel, address: string, code: string): Promise<void>;
}

/** Header carrying `sha256=<hex HMAC-SHA256(secret, body)>` so the receiver can tell the relay sent it. */
export const OTP_SIGNATURE_HEADER = 'x-parley-signature';

const WEBHOOK_TIMEOUT_MS = 10_000;

/** For development and small private relays: the operator reads the code from the relay's log. */
export function consoleOtpSender(log: Logger): OtpSender {
  return {
    send(channel, address, code) {
      log.info({ channel, address, code }, 'one-time code (console OTP sender)');
      return Promise.resolve();
    },
  };
}

/**
 * POSTs `{channel, address, code, relay}` as JSON to an operator's endpoint (an SMS or mail gateway), signed
 * with HMAC-SHA256 when a secret is configured. `relay` names the sending relay by its public key.
 */
export function webhookOtpSender(options: { url: string; secret?: string; relay: string }): OtpSender {
  return {
    async send(channel, address, code) {
      const body = JSON.stringify({ channel, address, code, relay: options.relay });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.secret !== undefined) {
        const mac = createHmac('sha256', options.secret).update(body).digest('hex');
        headers[OTP_SIGNATURE_HEADER] = `sha256=${mac}`;
      }
      let status: number;
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        });
        status = response.status;
        await response.body?.cancel();
      } catch (cause) {
        throw new ParleyError('UNAVAILABLE', 'the one-time code could not be sent', { cause });
      }
      if (status < 200 || status >= 300) {
        throw new ParleyError('UNAVAILABLE', `the one-time code gateway answered ${status}`);
      }
    },
  };
}

export function createOtpSender(config: OtpSenderConfig, log: Logger, relay: string): OtpSender {
  if (config.kind === 'console') return consoleOtpSender(log);
  return webhookOtpSender({
    url: config.url,
    relay,
    ...(config.secret !== undefined ? { secret: config.secret } : {}),
  });
}
