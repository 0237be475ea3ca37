import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

/**
 * Where the person is: the open conversation (kept in the URL's hash, so the browser's back button on a phone
 * returns to the chat list), and at most one side panel and one dialog from the feature registry.
 */
export interface OpenSurface {
  readonly id: string;
  readonly params: Readonly<Record<string, string>>;
}

export interface Navigation {
  readonly conversationId: string | undefined;
  readonly panel: OpenSurface | undefined;
  readonly dialog: OpenSurface | undefined;
  openConversation(id: string | undefined): void;
  openPanel(id: string, params?: Record<string, string>): void;
  closePanel(): void;
  openDialog(id: string, params?: Record<string, string>): void;
  closeDialog(): void;
}

const PREFIX = '#/chat/';

export function conversationFromHash(hash: string): string | undefined {
  if (!hash.startsWith(PREFIX)) return undefined;
  try {
    const id = decodeURIComponent(hash.slice(PREFIX.length));
    return id === '' ? undefined : id;
  } catch {
    return undefined;
  }
}

export function hashForConversation(id: string | undefined): string {
  return id === undefined ? '#/' : `${PREFIX}${encodeURIComponent(id)}`;
}

const NavigationContext = createContext<Navigation | null>(null);

export function NavigationProvider({ children }: { children: ReactNode }) {
  const [conversationId, setConversationId] = useState(() => conversationFromHash(location.hash));
  const [panel, setPanel] = useState<OpenSurface | undefined>();
  const [dialog, setDialog] = useState<OpenSurface | undefined>();

  useEffect(() => {
    const onHash = () => setConversationId(conversationFromHash(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const openConversation = useCallback((id: string | undefined) => {
    setConversationId(id);
    setPanel(undefined);
    const hash = hashForConversation(id);
    if (location.hash !== hash) location.hash = hash;
  }, []);

  const value = useMemo<Navigation>(
    () => ({
      conversationId,
      panel,
      dialog,
      openConversation,
      openPanel: (id, params = {}) => setPanel({ id, params }),
      closePanel: () => setPanel(undefined),
      openDialog: (id, params = {}) => setDialog({ id, params }),
      closeDialog: () => setDialog(undefined),
    }),
    [conversationId, panel, dialog, openConversation],
  );
  return <NavigationContext.Provider value={value}>{children}</NavigationContext.Provider>;
}

export function useNavigation(): Navigation {
  const navigation = useContext(NavigationContext);
  if (navigation === null) throw new Error('useNavigation outside <NavigationProvider>');
  return navigation;
}
