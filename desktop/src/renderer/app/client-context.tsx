import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import type { ParleyClient, ParleyClientEvents } from '@parley/core';
import type { LiveState } from './live-state.js';
import type { Profile } from './profile.js';
import type { Session } from './session.dom.js';

const SessionContext = createContext<Session | null>(null);

/** Makes the running client available to every screen below it. */
export function SessionProvider({ session, children }: { session: Session; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession outside <SessionProvider>');
  return session;
}

export function useClient(): ParleyClient {
  return useSession().client;
}

export function useProfile(): Profile {
  return useSession().profile;
}

type EventName = keyof ParleyClientEvents & string;

/** Calls `handler` for every `event` the client emits while the component is mounted (latest handler wins). */
export function useClientEvent<K extends EventName>(
  event: K,
  handler: (payload: ParleyClientEvents[K]) => void,
): void {
  const client = useClient();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => client.on(event, (payload) => latest.current(payload)), [client, event]);
}

/**
 * A counter that moves whenever one of `events` fires: pass it as a dependency of the effect that reloads
 * data from the client database, so screens re-read after the engine changed something.
 */
export function useClientVersion(events: readonly EventName[]): number {
  const client = useClient();
  const [version, setVersion] = useState(0);
  const key = events.join(',');
  useEffect(() => {
    const bump = () => setVersion((value) => value + 1);
    const stops = key.split(',').map((event) => client.on(event as EventName, bump));
    return () => stops.forEach((stop) => stop());
  }, [client, key]);
  return version;
}

/**
 * `select(live)`, re-rendering only when that changes: a typing or presence event re-renders what shows it,
 * not every message bubble on screen. React compares selections with Object.is, hence primitives only.
 */
export function useLive<T extends string | number | boolean | undefined>(select: (live: LiveState) => T): T {
  const { live } = useSession();
  return useSyncExternalStore(live.subscribe, () => select(live));
}

/** Loads `load()` and reloads it when `deps` change; keeps the previous value while reloading. */
export function useAsync<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
): {
  value: T | undefined;
  error: Error | undefined;
} {
  const [state, setState] = useState<{ value: T | undefined; error: Error | undefined }>({
    value: undefined,
    error: undefined,
  });
  const run = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    run().then(
      (value) => live && setState({ value, error: undefined }),
      (error: unknown) =>
        live &&
        setState((previous) => ({
          value: previous.value,
          error: error instanceof Error ? error : new Error(String(error)),
        })),
    );
    return () => {
      live = false;
    };
  }, [run]);
  return state;
}
