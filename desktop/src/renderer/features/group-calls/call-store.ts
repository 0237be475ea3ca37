import { Store } from '../../app/store.js';
import type { GroupCallHandle } from './group-call.dom.js';

/**
 * The one group call this window is in (a person is in at most one call at a time), shared by the header
 * button, the banner and the call screen.
 */
export const callStore = new Store<GroupCallHandle | undefined>(undefined);
