import { createContext, useContext, type ReactNode } from 'react';
import type { Registry } from './extensions.js';

const RegistryContext = createContext<Registry | null>(null);

/** The registry is built in main.dom.tsx from features/index.ts and handed down here (no import cycle). */
export function RegistryProvider({ registry, children }: { registry: Registry; children: ReactNode }) {
  return <RegistryContext.Provider value={registry}>{children}</RegistryContext.Provider>;
}

export function useRegistry(): Registry {
  const registry = useContext(RegistryContext);
  if (registry === null) throw new Error('useRegistry outside <RegistryProvider>');
  return registry;
}
