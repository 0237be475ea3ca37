import { features } from '../features/index.js';
import { SessionProvider } from './client-context.js';
import { ConversationsProvider } from './data/use-conversations.js';
import { Registry } from './extensions.js';
import { AppShell } from './layout/AppShell.js';
import { NavigationProvider } from './navigation.js';
import { RegistryProvider } from './registry-context.js';
import type { Session } from './session.dom.js';

// Built once, when this module (and with it every feature's first-screen code) loads after unlock.
const registry = new Registry(features);

/** The messenger itself: what a started session shows. Loaded apart from the first screen (App.tsx). */
export function Messenger({ session }: { session: Session }) {
  return (
    <SessionProvider session={session}>
      <RegistryProvider registry={registry}>
        <NavigationProvider>
          <ConversationsProvider>
            <AppShell />
          </ConversationsProvider>
        </NavigationProvider>
      </RegistryProvider>
    </SessionProvider>
  );
}
