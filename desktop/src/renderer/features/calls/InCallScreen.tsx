import { useEffect, useState } from 'react';
import { Avatar } from '../../ui/Avatar.js';
import { browserCallMedia } from '../../platform/call-media.dom.js';
import type { CallView } from './call-store.dom.js';
import { callStatusText } from './call-screen-text.js';
import { DevicePanel } from './DevicePanel.js';
import { CallControl } from './CallControl.js';
import { useTrackElement } from './media-element.dom.js';
import { ScreenPicker } from './ScreenPicker.js';
import { SelfView } from './SelfView.js';
import { useCallStore } from './use-call.dom.js';

/** Re-renders every second while `on` (the call timer). */
function useSecondTick(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [on]);
  return on ? Math.max(now, Date.now()) : now;
}

/**
 * The call in progress (and an outgoing call ringing): the other side's video large, one's own small and
 * draggable, the other side's mute/camera/screen state, the timer, and the controls.
 */
export function InCallScreen({ view, name, avatar }: { view: CallView; name: string; avatar?: string }) {
  const store = useCallStore();
  const { call, remote } = view;
  const ended = call.phase === 'ended';
  const now = useSecondTick(call.phase === 'active');
  const [devicesOpen, setDevicesOpen] = useState(false);
  const remoteVideo = useTrackElement<HTMLVideoElement>(view.remoteVideo);
  const remoteAudio = useTrackElement<HTMLAudioElement>(view.remoteAudio);
  useEffect(() => {
    const element = remoteAudio.current;
    if (element === null || view.speakerId === undefined) return;
    void browserCallMedia.setSpeaker(element, view.speakerId).catch(() => undefined);
  }, [remoteAudio, view.speakerId]);
  const showsVideo = view.remoteVideo !== undefined && (remote.video || remote.screen) && !ended;
  const own = view.screen ?? (view.muted.video ? undefined : view.camera);
  const cameraOn = view.camera !== undefined && view.camera.readyState !== 'ended' && !view.muted.video;
  const notes = [
    ...(!remote.audio ? [`${name} is muted`] : []),
    ...(remote.screen
      ? [`${name} is sharing their screen`]
      : !remote.video && call.media === 'video'
        ? [`${name}’s camera is off`]
        : []),
  ];
  return (
    <div className="call-screen call-active" role="dialog" aria-modal="true" aria-label={`Call with ${name}`}>
      <video
        ref={remoteVideo}
        className={`call-remote-video ${showsVideo ? '' : 'call-hidden'}`}
        aria-label={`${name}’s video`}
        autoPlay
        playsInline
        muted
      />
      <audio ref={remoteAudio} autoPlay />
      <div className={`call-identity ${showsVideo ? 'call-identity-over' : ''}`}>
        {!showsVideo && <Avatar name={name} seed={call.peer} image={avatar} size={120} />}
        <h2>{name}</h2>
        <p className="call-status" role="timer" aria-label="Call status">
          {callStatusText(call, name, now)}
        </p>
        {notes.map((note) => (
          <p key={note} className="call-note" role="status">
            {note}
          </p>
        ))}
        {view.problem !== undefined && (
          <p className="call-note" role="alert">
            {view.problem}
          </p>
        )}
      </div>
      {!ended && <SelfView track={own} mirrored={view.screen === undefined} />}
      {devicesOpen && !ended && <DevicePanel view={view} />}
      {view.screenSources !== undefined && !ended && <ScreenPicker sources={view.screenSources} />}
      <div className="call-controls">
        {ended ? (
          <button type="button" className="call-button call-close" onClick={() => store.dismiss()}>
            Close
          </button>
        ) : (
          <>
            <CallControl
              icon={view.muted.audio ? 'micOff' : 'mic'}
              label={view.muted.audio ? 'Unmute' : 'Mute'}
              tone={view.muted.audio ? 'pressed' : 'plain'}
              onClick={() => store.toggleMute()}
            />
            <CallControl
              icon={cameraOn ? 'video' : 'videoOff'}
              label={cameraOn ? 'Turn camera off' : 'Turn camera on'}
              tone={!cameraOn ? 'pressed' : 'plain'}
              onClick={() => void store.toggleCamera()}
            />
            <CallControl
              icon="screen"
              label={view.screen === undefined ? 'Share screen' : 'Stop sharing'}
              tone={view.screen !== undefined ? 'pressed' : 'plain'}
              onClick={() => void store.toggleScreen()}
            />
            <CallControl
              icon="devices"
              label="Devices"
              tone={devicesOpen ? 'pressed' : 'plain'}
              onClick={() => setDevicesOpen((open) => !open)}
            />
            <CallControl icon="hangup" label="Hang up" tone="danger" onClick={() => store.hangup()} />
          </>
        )}
      </div>
    </div>
  );
}
