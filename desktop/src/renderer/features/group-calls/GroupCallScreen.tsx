import { useCallback, useMemo, useState, useSyncExternalStore } from 'react';
import { accountOfCallIdentity } from '@parley/core';
import { useClient } from '../../app/client-context.js';
import { Button } from '../../ui/Button.js';
import { useGroupState, useNameOf } from '../groups/use-group.js';
import { callErrorText } from './call-error-text.js';
import { callStore } from './call-store.js';
import { CallAudio, CallTile } from './CallTile.js';
import type { GroupCallHandle, GroupCallSnapshot, Participant } from './group-call.dom.js';
import { gridShape, layoutMode } from './grid-layout.js';
import { leaveGroupCall } from './join-call.dom.js';
import './group-calls.css';

const SELF = 'self';

/** The call screen over the whole window while this window is in a group call (mounted as a service). */
export function GroupCallScreen() {
  const call = useSyncExternalStore(callStore.subscribe, callStore.get);
  if (call === undefined) return null;
  return <CallScreen key={call.groupId} call={call} />;
}

function CallScreen({ call }: { call: GroupCallHandle }) {
  const client = useClient();
  const snapshot = useSyncExternalStore(call.subscribe, call.snapshot);
  const { state } = useGroupState(call.groupId);
  const nameOf = useNameOf();
  const [pinned, setPinned] = useState<string | undefined>();
  const title = state?.name ?? 'Group call';

  if (snapshot.phase === 'failed' || snapshot.phase === 'ended') {
    return (
      <section className="group-call" aria-label="Group call">
        <header className="group-call-header">
          <h2>{title}</h2>
        </header>
        <p role="alert" className="group-call-error">
          {snapshot.error === undefined ? 'The call ended.' : callErrorText(snapshot.error)}
        </p>
        <div className="group-call-controls">
          <Button onClick={() => void leaveGroupCall(client)}>Close</Button>
        </div>
      </section>
    );
  }

  const identityName = (identity: string) => {
    const account = accountOfCallIdentity(identity);
    return account === undefined ? 'Someone' : nameOf(account);
  };
  const participantName = (participant: Participant) => identityName(participant.identity);
  const ids = [SELF, ...snapshot.participants.map((participant) => participant.peerId)];
  const mode = layoutMode(pinned, ids);

  return (
    <section className="group-call" aria-label="Group call" data-route={snapshot.route}>
      <header className="group-call-header">
        <h2>{title}</h2>
        <p className="group-call-status" role="status">
          {statusText(snapshot)}
        </p>
      </header>
      <Tiles
        call={call}
        snapshot={snapshot}
        mode={mode}
        pinned={pinned}
        setPinned={setPinned}
        nameOf={participantName}
      />
      <ol className="group-call-events" role="log" aria-label="Call events">
        {snapshot.events.map((event) => (
          <li
            key={event.seq}
          >{`${identityName(event.identity)} ${event.kind === 'joined' ? 'joined' : 'left'}`}</li>
        ))}
      </ol>
      {snapshot.participants.flatMap((participant) =>
        participant.tracks
          .filter((track) => track.kind === 'audio')
          .map((track) => <CallAudio key={track.consumerId} track={track.track} />),
      )}
      <div className="group-call-controls">
        <Button
          variant="secondary"
          aria-pressed={snapshot.muted}
          onClick={() => void call.setMuted(!snapshot.muted)}
        >
          {snapshot.muted ? 'Unmute microphone' : 'Mute microphone'}
        </Button>
        <Button
          variant="secondary"
          aria-pressed={snapshot.cameraOff}
          onClick={() => void call.setCameraOff(!snapshot.cameraOff)}
        >
          {snapshot.cameraOff ? 'Turn camera on' : 'Turn camera off'}
        </Button>
        <Button variant="danger" onClick={() => void leaveGroupCall(client)}>
          Leave call
        </Button>
      </div>
    </section>
  );
}

function statusText(snapshot: GroupCallSnapshot): string {
  if (snapshot.phase === 'joining') return 'Joining…';
  if (snapshot.phase === 'reconnecting') return 'Reconnecting…';
  if (snapshot.route === 'moving') return 'Moving the call to the call server…';
  const others = snapshot.participants.length;
  return others === 0 ? 'Waiting for others to join' : `${others + 1} in the call`;
}

interface TilesProps {
  readonly call: GroupCallHandle;
  readonly snapshot: GroupCallSnapshot;
  readonly mode: 'grid' | 'pinned';
  readonly pinned: string | undefined;
  readonly setPinned: (id: string | undefined) => void;
  readonly nameOf: (participant: Participant) => string;
}

function Tiles({ call, snapshot, mode, pinned, setPinned, nameOf }: TilesProps) {
  const localVideo = snapshot.cameraOff ? undefined : snapshot.local?.getVideoTracks()[0];
  const count = snapshot.participants.length + 1;
  const shape = useMemo(() => gridShape(count, window.innerWidth, window.innerHeight - 160), [count]);
  const toggle = (id: string) => setPinned(pinned === id ? undefined : id);
  const tiles = [
    <CallTile
      key={SELF}
      name="You"
      peerId={snapshot.selfPeerId}
      self
      track={localVideo}
      speaking={false}
      pinned={pinned === SELF}
      muted={snapshot.muted}
      onPin={() => toggle(SELF)}
    />,
    ...snapshot.participants.map((participant) => (
      <RemoteTile
        key={participant.peerId}
        call={call}
        participant={participant}
        name={nameOf(participant)}
        speaking={snapshot.activeSpeaker === participant.peerId}
        pinned={pinned === participant.peerId}
        onPin={() => toggle(participant.peerId)}
      />
    )),
  ];
  if (mode === 'pinned') {
    const index = pinned === SELF ? 0 : snapshot.participants.findIndex((p) => p.peerId === pinned) + 1;
    return (
      <div className="group-call-stage">
        <div className="group-call-main">{tiles[index]}</div>
        <div className="group-call-strip" aria-label="Others in the call" role="list">
          {tiles.filter((_, i) => i !== index)}
        </div>
      </div>
    );
  }
  return (
    <div
      className="group-call-grid"
      style={{
        gridTemplateColumns: `repeat(${shape.columns}, 1fr)`,
        gridTemplateRows: `repeat(${shape.rows}, 1fr)`,
      }}
    >
      {tiles}
    </div>
  );
}

function RemoteTile(props: {
  call: GroupCallHandle;
  participant: Participant;
  name: string;
  speaking: boolean;
  pinned: boolean;
  onPin: () => void;
}) {
  const { call, participant } = props;
  const camera = participant.tracks.find((track) => track.source === 'camera')?.track;
  const audio = participant.tracks.find((track) => track.source === 'microphone');
  const peerId = participant.peerId;
  const onResize = useCallback(
    (width: number, height: number) =>
      void call.setViewport(peerId, 'camera', { width, height }).catch(() => undefined),
    [call, peerId],
  );
  return (
    <CallTile
      name={props.name}
      peerId={peerId}
      track={camera}
      speaking={props.speaking}
      pinned={props.pinned}
      muted={audio === undefined}
      connection={participant.connection}
      onPin={props.onPin}
      onResize={onResize}
    />
  );
}
