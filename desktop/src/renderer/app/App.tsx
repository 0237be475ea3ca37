import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { OnboardingScreen } from '../features/onboarding/OnboardingScreen.js';
import { UnlockScreen } from '../features/onboarding/UnlockScreen.js';
import { detectKeySource, type KeySource } from '../platform/key-source.dom.js';
import { loadProfile } from './profile.js';
import { closeSession, preloadSession, type Session } from './session-loader.js';
import { errorText } from '../ui/error-text.js';

// The messenger and every feature load apart from the first screen (onboarding or unlock), which only
// needs the key source and the session; they are fetched while the person types (see below).
const loadMessenger = () => import('./Messenger.js');
const Messenger = lazy(() => loadMessenger().then((module) => ({ default: module.Messenger })));

type Phase =
  | { readonly kind: 'starting' }
  | { readonly kind: 'fatal'; readonly message: string }
  | { readonly kind: 'onboarding'; readonly keys: KeySource }
  | { readonly kind: 'locked'; readonly keys: KeySource }
  | { readonly kind: 'ready'; readonly session: Session };

/** Boot: find how keys are protected, then onboarding (no identity yet), unlock, or the messenger. */
export function App() {
  const [phase, setPhase] = useState<Phase>({ kind: 'starting' });
  const asking = phase.kind === 'onboarding' || phase.kind === 'locked';
  useEffect(() => {
    if (!asking) return;
    preloadSession();
    void loadMessenger().catch(() => undefined); // a retry happens when it is rendered
  }, [asking]);

  useEffect(() => {
    let live = true;
    detectKeySource().then(
      (keys) => {
        if (!live) return;
        if (keys.kind === 'error') setPhase({ kind: 'fatal', message: keys.message });
        else setPhase({ kind: loadProfile(localStorage) === undefined ? 'onboarding' : 'locked', keys });
      },
      (error: unknown) => live && setPhase({ kind: 'fatal', message: errorText(error, 'Opening Parley') }),
    );
    return () => {
      live = false;
    };
  }, []);

  const ready = useCallback((session: Session) => setPhase({ kind: 'ready', session }), []);

  useEffect(() => {
    if (phase.kind !== 'ready') return;
    const session = phase.session;
    // Leaving the page closes the client (sockets, links, the database). A page the browser brings back from
    // its back-forward cache would hold a closed client: reload it instead.
    const close = () => void closeSession(session);
    const restored = (event: PageTransitionEvent) => {
      if (event.persisted) location.reload();
    };
    window.addEventListener('pagehide', close);
    window.addEventListener('pageshow', restored);
    return () => {
      window.removeEventListener('pagehide', close);
      window.removeEventListener('pageshow', restored);
    };
  }, [phase]);

  switch (phase.kind) {
    case 'starting':
      return <div className="splash" role="status" aria-label="Starting Parley" />;
    case 'fatal':
      return (
        <main className="splash">
          <div role="alert" className="fatal">
            <h1>Parley cannot open your keys</h1>
            <p>{phase.message}</p>
          </div>
        </main>
      );
    case 'onboarding':
      return <OnboardingScreen keys={phase.keys} onReady={ready} />;
    case 'locked':
      return <UnlockScreen keys={phase.keys} onReady={ready} />;
    case 'ready':
      return (
        <Suspense fallback={<div className="splash" role="status" aria-label="Opening your chats" />}>
          <Messenger session={phase.session} />
        </Suspense>
      );
  }
}
