import { fetchRelayInfo } from '@parley/core';
import { useAsync, useClient, useClientVersion, useProfile } from '../../app/client-context.js';
import { browserPlatform } from '../../platform/browser-platform.dom.js';
import { describeError } from '../onboarding/errors.js';
import { SettingsSection } from './settings-rows.js';

const POLICY_TEXT = {
  open: 'Open: anyone may create an identity here',
  invite: 'By invite: new people need an invite token',
  otp: 'By one-time code: new people confirm a phone number or e-mail address',
} as const;

/** The home relay: its address, whether this device is connected to it, and who it admits. */
export function RelaySection() {
  const client = useClient();
  const { relayUrl } = useProfile();
  useClientVersion(['connected', 'disconnected', 'access-denied']);
  const info = useAsync(() => fetchRelayInfo(relayUrl, browserPlatform().fetch), [relayUrl]);
  const denied = client.access.denied;
  const state =
    denied !== undefined
      ? `Refused: ${describeError(denied)}`
      : client.connected
        ? 'Connected'
        : 'Connecting…';

  return (
    <SettingsSection title="Relay">
      <dl className="settings-facts">
        <dt>Address</dt>
        <dd className="settings-url">{relayUrl}</dd>
        <dt>Connection</dt>
        <dd>
          <span
            className={`settings-dot ${client.connected ? 'is-on' : denied !== undefined ? 'is-error' : ''}`}
            aria-hidden="true"
          />
          <span role="status">{state}</span>
        </dd>
        <dt>Access</dt>
        <dd>
          {info.value !== undefined
            ? POLICY_TEXT[info.value.policy]
            : info.error !== undefined
              ? `Unknown (${describeError(info.error)})`
              : 'Asking the relay…'}
        </dd>
      </dl>
      <p className="hint">
        Your contacts may use other relays: Parley reaches each of them through the relay in their contact
        link.
      </p>
    </SettingsSection>
  );
}
