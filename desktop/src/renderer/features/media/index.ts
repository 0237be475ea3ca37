import type { Feature } from '../../app/extensions.js';
import { AttachButton } from './AttachButton.js';
import { FileMessageBody } from './FileMessageBody.js';
import { MediaDropZone } from './MediaDropZone.js';
import { MediaViewerHost } from './MediaViewerHost.js';
import { VoiceRecorder } from './VoiceRecorder.js';
import { MemoryFilesService } from './media-files.dom.js';

/** Files, photos, videos and voice messages: composer buttons, drop/paste, bubbles, the full-screen viewer. */
export const mediaFeature: Feature = {
  id: 'media',
  composerActions: [AttachButton, VoiceRecorder],
  conversationServices: [MediaDropZone],
  messageBodies: { file: FileMessageBody },
  services: [MediaViewerHost, MemoryFilesService],
};
