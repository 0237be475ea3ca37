import { useEffect, useRef, useState } from 'react';
import type { FileInfo } from '@parley/core';
import type { MessageBodyProps } from '../../app/extensions.js';
import { MediaIcon, MediaIconButton } from './MediaIcon.js';
import { useFileInfo, useFileUrl, useThumbnailUrl } from './media-files.dom.js';
import { formatBytes, formatDuration, mediaKind, typeLabel } from './media-format.js';
import { FileAction } from './FileAction.js';
import { TransferProgress, transferEnding } from './TransferProgress.js';
import { viewerTarget } from './media-state.js';
import { resampleWaveform } from './waveform.js';
import './media.css';

/** The body of a file message: a photo or video thumbnail, a voice note, or a file card; all with progress. */
export function FileMessageBody({ message, conversation }: MessageBodyProps) {
  const info = useFileInfo(message.id);
  if (info === undefined) return <p className="bubble-text">{message.text}</p>;
  const kind = mediaKind(info.mimeType, info.voice !== undefined);
  const caption = info.caption;
  return (
    <div className={`media-body media-${kind}`}>
      {kind === 'image' || kind === 'video' ? (
        <Visual info={info} conversationId={conversation.id} kind={kind} />
      ) : kind === 'voice' ? (
        <VoiceNote info={info} />
      ) : (
        <FileCard info={info} />
      )}
      {caption !== undefined && caption !== '' && <p className="bubble-text media-caption">{caption}</p>}
    </div>
  );
}

function Visual({
  info,
  conversationId,
  kind,
}: {
  info: FileInfo;
  conversationId: string;
  kind: 'image' | 'video';
}) {
  const full = useFileUrl(info);
  const thumbnail = useThumbnailUrl(info.thumbnail);
  const src = kind === 'image' ? (full ?? thumbnail) : thumbnail;
  const arrived = full !== undefined;
  const noun = kind === 'image' ? 'photo' : 'video';
  return (
    <div className="media-visual">
      <button
        type="button"
        className="media-visual-button"
        aria-label={`Open ${noun} ${info.name}`}
        onClick={() => viewerTarget.set({ conversationId, messageId: info.messageId })}
      >
        {src !== undefined ? (
          <img
            src={src}
            alt={info.caption ?? info.name}
            className={`media-thumb ${arrived || kind === 'video' ? '' : 'media-thumb-pending'}`}
            data-full={arrived ? 'true' : 'false'}
          />
        ) : (
          <span className="media-thumb media-thumb-empty">{typeLabel(info.name, info.mimeType)}</span>
        )}
        {kind === 'video' && (
          <span className="media-play-badge" aria-hidden="true">
            <MediaIcon name="play" size={32} />
          </span>
        )}
      </button>
      {transferEnding(info) !== undefined && <p className="media-failed">{transferEnding(info)}</p>}
      <TransferProgress info={info} />
    </div>
  );
}

function FileCard({ info }: { info: FileInfo }) {
  const url = useFileUrl(info);
  return (
    <div className="file-card">
      <span className="file-card-icon" aria-hidden="true">
        {typeLabel(info.name, info.mimeType)}
      </span>
      <div className="file-card-text">
        <span className="file-card-name">{info.name}</span>
        <span className="file-card-meta">
          {formatBytes(info.size)}
          {transferEnding(info) === undefined ? '' : ` · ${transferEnding(info)?.toLowerCase() ?? ''}`}
        </span>
        <TransferProgress info={info} />
      </div>
      {url !== undefined && <FileAction url={url} name={info.name} own={info.direction === 'send'} />}
    </div>
  );
}

const BARS = 40;

function VoiceNote({ info }: { info: FileInfo }) {
  const url = useFileUrl(info);
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [position, setPosition] = useState(0);
  const durationMs = info.voice?.durationMs ?? 0;
  const bars = resampleWaveform(info.voice?.waveform ?? [], BARS);
  const played = durationMs > 0 ? Math.min(1, (position * 1000) / durationMs) : 0;

  useEffect(() => {
    const element = audio.current;
    if (element === null) return;
    const onTime = () => setPosition(element.currentTime);
    const onEnd = () => {
      setPlaying(false);
      setPosition(0);
    };
    const onPlay = () => setPlaying(true);
    const onPause = () => setPlaying(false);
    element.addEventListener('timeupdate', onTime);
    element.addEventListener('ended', onEnd);
    element.addEventListener('play', onPlay);
    element.addEventListener('pause', onPause);
    return () => {
      element.removeEventListener('timeupdate', onTime);
      element.removeEventListener('ended', onEnd);
      element.removeEventListener('play', onPlay);
      element.removeEventListener('pause', onPause);
    };
  }, [url]);

  return (
    <div className="voice-note" data-playing={playing ? 'true' : 'false'}>
      <MediaIconButton
        icon={playing ? 'pause' : 'play'}
        label={playing ? 'Pause voice message' : 'Play voice message'}
        className="voice-play"
        disabled={url === undefined}
        onClick={() => {
          const element = audio.current;
          if (element === null) return;
          if (element.paused) void element.play().catch(() => setPlaying(false));
          else element.pause();
        }}
      />
      <div className="voice-wave-column">
        <div className="voice-wave" role="img" aria-label={`Waveform, ${formatDuration(durationMs)}`}>
          {bars.map((level, index) => (
            <span
              key={index}
              className={`voice-bar ${index / BARS < played ? 'voice-bar-played' : ''}`}
              style={{ height: `${Math.max(12, level * 100)}%` }}
            />
          ))}
        </div>
        <span className="voice-duration">
          {playing || position > 0 ? formatDuration(position * 1000) : formatDuration(durationMs)}
        </span>
        <TransferProgress info={info} />
      </div>
      {url !== undefined && <audio ref={audio} src={url} preload="auto" />}
    </div>
  );
}
