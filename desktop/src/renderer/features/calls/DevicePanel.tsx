import { useEffect, useId, useState } from 'react';
import { useClient } from '../../app/client-context.js';
import { browserCallMedia, type CallDevices } from '../../platform/call-media.dom.js';
import type { CallView } from './call-store.dom.js';
import { useCallStore } from './use-call.dom.js';

/**
 * Microphone, camera and speaker pickers for the call in progress (enumerateDevices), and the relay-only
 * switch: the call screen covers Settings, and turning it on moves the call to TURN at once.
 */
export function DevicePanel({ view }: { view: CallView }) {
  const store = useCallStore();
  const [devices, setDevices] = useState<CallDevices | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const load = () =>
      void browserCallMedia
        .devices()
        .then((found) => {
          if (live) setDevices(found);
        })
        .catch(() => undefined);
    load();
    navigator.mediaDevices?.addEventListener('devicechange', load);
    return () => {
      live = false;
      navigator.mediaDevices?.removeEventListener('devicechange', load);
    };
  }, []);
  if (devices === undefined) return null;
  const current = (track: MediaStreamTrack | undefined) => track?.getSettings().deviceId ?? '';
  return (
    <div className="call-devices" role="group" aria-label="Devices">
      <DeviceSelect
        label="Microphone"
        options={devices.microphones}
        value={current(view.microphone)}
        onChange={(id) => void store.switchDevice('audio', id)}
      />
      <DeviceSelect
        label="Camera"
        options={devices.cameras}
        value={current(view.camera)}
        onChange={(id) => void store.switchDevice('video', id)}
      />
      {devices.speakers.length > 0 && (
        <DeviceSelect
          label="Speaker"
          options={devices.speakers}
          value={view.speakerId ?? ''}
          onChange={(id) => store.setSpeaker(id)}
        />
      )}
      <RelayOnlySwitch />
    </div>
  );
}

function DeviceSelect({
  label,
  options,
  value,
  onChange,
}: {
  label: string;
  options: readonly MediaDeviceInfo[];
  value: string;
  onChange: (deviceId: string) => void;
}) {
  if (options.length === 0) return null;
  return (
    <label className="call-device">
      <span>{label}</span>
      <select value={value} onChange={(event) => onChange(event.target.value)}>
        {value === '' && <option value="">Default</option>}
        {options.map((device, index) => (
          <option key={device.deviceId || index} value={device.deviceId}>
            {device.label || `${label} ${index + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The privacy setting "Relay-only calls and links" (Settings › Privacy), reachable during a call. */
function RelayOnlySwitch() {
  const client = useClient();
  const id = useId();
  const [on, setOn] = useState(() => client.settings.privacy.relayOnlyLinks);
  const change = async (enabled: boolean) => {
    try {
      await client.settings.setRelayOnlyLinks(enabled);
    } finally {
      setOn(client.settings.privacy.relayOnlyLinks);
    }
  };
  return (
    <label className="call-device" htmlFor={id}>
      <span title="The call goes through your relay's TURN server, so the contact does not learn your IP address">
        Relay-only calls and links
      </span>
      <input
        id={id}
        type="checkbox"
        role="switch"
        checked={on}
        onChange={(event) => void change(event.target.checked)}
      />
    </label>
  );
}
