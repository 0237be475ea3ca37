import { useSyncExternalStore } from 'react';
import type { ParleyClient } from '@parley/core';
import { useClient } from '../../app/client-context.js';
import { browserCallMedia } from '../../platform/call-media.dom.js';
import { CallStore, type CallView } from './call-store.dom.js';

/** One call store per running client, shared by the header buttons, the call lines and the call screens. */
const stores = new WeakMap<ParleyClient, CallStore>();

export function useCallStore(): CallStore {
  const client = useClient();
  let store = stores.get(client);
  if (store === undefined) {
    store = new CallStore(client, browserCallMedia);
    stores.set(client, store);
  }
  return store;
}

export function useCallView(): CallView | undefined {
  const store = useCallStore();
  return useSyncExternalStore(store.subscribe, store.view);
}
