import { useEffect, useState } from 'react';
import { browserCallMedia, type CallDevices } from '../../platform/call-media.dom.js';
import type { CallView } from './call-store.dom.js';
import { useCallStore } from './use-call.dom.js';

/** Microphone, camera and speaker pickers for the call in progress (enumerateDevices). */
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
