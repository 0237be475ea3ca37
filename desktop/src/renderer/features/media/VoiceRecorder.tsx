import { useEffect, useRef, useState } from 'react';
import { useClient } from '../../app/client-context.js';
import type { ComposerSlotProps } from '../../app/extensions.js';
import { MediaIconButton } from './MediaIcon.js';
import { analyseVoice } from './media-capture.dom.js';
import { keepFile } from './media-files.dom.js';
import { formatDuration } from './media-format.js';
import { storeFile } from '../../platform/received-files.dom.js';
import { errorText } from '../../ui/error-text.js';

/** Holding the button this long and letting go sends; a shorter press starts a recording stopped by a click. */
const HOLD_MS = 400;

interface Recording {
  readonly recorder: MediaRecorder;
  readonly stream: MediaStream;
  readonly chunks: Blob[];
  readonly startedAt: number;
}

/**
 * Records a voice message with MediaRecorder: click to start, then "Send voice message" or "Cancel
 * recording" (or hold the microphone and let go to send). Length and waveform come from the audio itself.
 */
export function VoiceRecorder({ conversation }: ComposerSlotProps) {
  const client = useClient();
  const recording = useRef<Recording | undefined>(undefined);
  const pressedAt = useRef(0);
  const [active, setActive] = useState(false);
  const [elapsed, setElapsed] = useState(0);
  const [status, setStatus] = useState<string | undefined>();

  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      const started = recording.current?.startedAt;
      if (started !== undefined) setElapsed(performance.now() - started);
    }, 200);
    return () => clearInterval(timer);
  }, [active]);

  useEffect(() => () => release(recording.current), []);

  async function start() {
    if (recording.current !== undefined) return;
    setStatus(undefined);
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const type = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm'].find((candidate) =>
        MediaRecorder.isTypeSupported(candidate),
      );
      const recorder = new MediaRecorder(stream, type === undefined ? {} : { mimeType: type });
      const chunks: Blob[] = [];
      recorder.addEventListener('dataavailable', (event) => {
        if (event.data.size > 0) chunks.push(event.data);
      });
      recorder.start(250);
      recording.current = { recorder, stream, chunks, startedAt: performance.now() };
      setElapsed(0);
      setActive(true);
    } catch (error) {
      setStatus(errorText(error, 'Recording'));
    }
  }

  async function finish(send: boolean) {
    const current = recording.current;
    if (current === undefined) return;
    recording.current = undefined;
    setActive(false);
    const measured = performance.now() - current.startedAt;
    const stopped = new Promise<void>((resolve) =>
      current.recorder.addEventListener('stop', () => resolve(), { once: true }),
    );
    if (current.recorder.state !== 'inactive') current.recorder.stop();
    await stopped;
    release(current);
    if (!send) return;
    const mimeType = (current.recorder.mimeType || 'audio/webm').split(';')[0] ?? 'audio/webm';
    const audio = new Blob(current.chunks, { type: mimeType });
    try {
      setStatus('Sending voice message…');
      const voice = await analyseVoice(audio, measured);
      const extension = mimeType.includes('ogg') ? 'ogg' : 'webm';
      const name = `Voice message ${new Date().toISOString().slice(0, 19).replace('T', ' ')}.${extension}`;
      const bytes = new Uint8Array(await audio.arrayBuffer());
      const messageId = await client.files.send(conversation.id, { name, mimeType, bytes, voice });
      keepFile(client, messageId, audio);
      void storeFile(messageId, audio).catch(() => undefined);
      setStatus(undefined);
    } catch (error) {
      setStatus(errorText(error, 'Sending the voice message'));
    }
  }

  if (active) {
    return (
      <div className="voice-recording" role="group" aria-label="Recording a voice message">
        <MediaIconButton icon="trash" label="Cancel recording" onClick={() => void finish(false)} />
        <span className="voice-recording-dot" aria-hidden="true" />
        <span className="voice-recording-time" role="timer" aria-label="Recording time">
          {formatDuration(elapsed)}
        </span>
        <span className="voice-recording-hint">Recording…</span>
        <MediaIconButton
          icon="send"
          label="Send voice message"
          className="voice-send"
          onClick={() => void finish(true)}
        />
      </div>
    );
  }
  return (
    <>
      <MediaIconButton
        icon="mic"
        label="Record voice message"
        onPointerDown={() => {
          pressedAt.current = performance.now();
          // The button gives way to the recording bar, so the release is heard on the window.
          window.addEventListener(
            'pointerup',
            () => {
              if (performance.now() - pressedAt.current >= HOLD_MS) void finish(true);
            },
            { once: true },
          );
          void start();
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            void start();
          }
        }}
      />
      {status !== undefined && (
        <span className="voice-status" role="status">
          {status}
        </span>
      )}
    </>
  );
}

function release(current: Recording | undefined): void {
  current?.stream.getTracks().forEach((track) => track.stop());
}
