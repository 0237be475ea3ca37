import type { Feature } from '../../app/extensions.js';
import { CallButtons } from './CallButtons.js';
import { CallLine } from './CallLine.js';
import { CallService } from './CallService.dom.js';

/**
 * 1:1 calls: voice and video buttons in a direct conversation's header, the incoming-call and in-call
 * screens (CallService), and the call-log lines, which call back when clicked.
 */
export const callsFeature: Feature = {
  id: 'calls',
  conversationHeaderActions: [CallButtons],
  messageBodies: { call: CallLine },
  services: [CallService],
};
