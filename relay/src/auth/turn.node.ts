import { createHmac } from 'node:crypto';
import type { IceServer, TurnGrant } from '@parley/core';
import type { RelayConfig } from '../config.js';

/**
 * TURN credentials in coturn's REST-API scheme (`use-auth-secret`): the username is `expiry:identity` with the
 * expiry in Unix seconds, the credential base64(HMAC-SHA1(secret, username)). coturn checks both without
 * asking the relay, so any relay process can grant them. With nothing configured the grant is empty and peers
 * fall back to host candidates (what the tests use).
 */
export function turnGrant(turn: RelayConfig['turn'], identity: string, now: number): TurnGrant {
  const expiresAt = now + turn.ttlSeconds * 1000;
  const iceServers: IceServer[] = [];
  if (turn.stunUrls.length > 0) iceServers.push({ urls: [...turn.stunUrls] });
  if (turn.urls.length > 0) {
    if (turn.secret === undefined) {
      // A TURN server without shared-secret auth: hand out the URLs alone.
      iceServers.push({ urls: [...turn.urls] });
    } else {
      const username = `${Math.floor(expiresAt / 1000)}:${identity}`;
      const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
      iceServers.push({ urls: [...turn.urls], username, credential });
    }
  }
  return { iceServers, expiresAt };
}
