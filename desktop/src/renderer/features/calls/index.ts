import type { Feature } from '../../app/extensions.js';
import { CallLine } from './CallLine.js';

/** Calls: for now the call-log lines in a conversation; the call screens come with client.calls (issue 13). */
export const callsFeature: Feature = {
  id: 'calls',
  messageBodies: { call: CallLine },
};
