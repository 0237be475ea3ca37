import { useId, useState } from 'react';
import { otpAddressFrom, type AccessInput, type RelayPolicy } from '../../app/relay-access.js';
import { Button } from '../../ui/Button.js';
import { describeError } from './errors.js';

/**
 * What a relay that is not open asks of a new identity: an invite token, or a phone number / e-mail
 * address, "Send code", and the 6-digit code the relay sent there.
 */
export function RelayAccessFields({
  policy,
  relayUrl,
  value,
  onChange,
}: {
  policy: RelayPolicy;
  relayUrl: string;
  value: AccessInput;
  onChange: (value: AccessInput) => void;
}) {
  const ids = { invite: useId(), address: useId(), code: useId() };
  const [sending, setSending] = useState(false);
  const [status, setStatus] = useState<{ error: boolean; text: string } | undefined>();

  if (policy === 'open') return null;
  if (policy === 'invite')
    return (
      <>
        <label htmlFor={ids.invite}>Invite token</label>
        <input
          id={ids.invite}
          value={value.invite}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => onChange({ ...value, invite: event.target.value })}
        />
        <p className="hint">This relay admits people by invite: paste the token you were given.</p>
      </>
    );

  async function sendCode() {
    setStatus(undefined);
    setSending(true);
    try {
      const address = otpAddressFrom(value.otpAddress);
      // Core and the platform's sockets stay off the first screen's load until a code is asked for.
      const { requestOneTimeCode } = await import('@parley/core');
      const { browserPlatform } = await import('../../platform/browser-platform.dom.js');
      await requestOneTimeCode({ relayUrl, socketFactory: browserPlatform().socketFactory, address });
      setStatus({ error: false, text: `Code sent to ${address.address}` });
    } catch (failure) {
      setStatus({ error: true, text: describeError(failure) });
    } finally {
      setSending(false);
    }
  }

  return (
    <>
      <label htmlFor={ids.address}>Phone number or e-mail</label>
      <div className="field-row">
        <input
          id={ids.address}
          value={value.otpAddress}
          autoComplete="email"
          onChange={(event) => onChange({ ...value, otpAddress: event.target.value })}
        />
        <Button variant="secondary" disabled={sending} onClick={() => void sendCode()}>
          {sending ? 'Sending…' : 'Send code'}
        </Button>
      </div>
      {status !== undefined && (
        <p role={status.error ? 'alert' : 'status'} className={status.error ? 'form-error' : 'hint'}>
          {status.text}
        </p>
      )}
      <label htmlFor={ids.code}>6-digit code</label>
      <input
        id={ids.code}
        value={value.code}
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={7}
        onChange={(event) => onChange({ ...value, code: event.target.value })}
      />
    </>
  );
}
