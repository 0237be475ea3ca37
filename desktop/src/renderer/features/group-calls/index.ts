import type { Feature } from '../../app/extensions.js';
import { GroupCallBanner } from './GroupCallBanner.js';
import { GroupCallButton } from './GroupCallButton.js';
import { GroupCallLine } from './GroupCallLine.js';
import { GroupCallScreen } from './GroupCallScreen.js';

/**
 * Group calls on the relay's SFU (docs/sfu.md): "Start group call" in a group's header, and the call screen
 * over the window while in a call, "Call in progress — Join" in the group while its call runs, and the line
 * a finished call leaves. The media path is mediasoup-client (group-call.dom.ts, call-media.dom.ts).
 */
export const groupCallsFeature: Feature = {
  id: 'group-calls',
  conversationHeaderActions: [GroupCallButton],
  conversationServices: [GroupCallBanner],
  messageBodies: { 'group-call': GroupCallLine },
  services: [GroupCallScreen],
};
