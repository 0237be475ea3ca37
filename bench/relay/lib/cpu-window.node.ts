import type { ServerProcess } from './server-process.node.js';

/**
 * Wall time and CPU time of one measured stretch, for the server process and for this (client) process.
 * The machine may be shared: when other work steals the cores, wall-clock rates fall, while work per
 * CPU-second of the server barely moves, so benches print both.
 */
export interface CpuWindow {
  wallMs: number;
  serverCpuMs: number;
  clientCpuMs: number;
}

export function startCpuWindow(server: ServerProcess): () => CpuWindow {
  const wallStart = performance.now();
  const serverStart = server.cpuMs();
  const clientStart = process.cpuUsage();
  return () => {
    const client = process.cpuUsage(clientStart);
    return {
      wallMs: performance.now() - wallStart,
      serverCpuMs: server.cpuMs() - serverStart,
      clientCpuMs: (client.user + client.system) / 1000,
    };
  };
}

/** "server 97% of a core, clients 80%" */
export function cpuShares(window: CpuWindow): string {
  const share = (ms: number) => `${Math.round((ms / window.wallMs) * 100)}%`;
  return `server process ${share(window.serverCpuMs)} of a core, clients ${share(window.clientCpuMs)}`;
}

export function perSecond(items: number, ms: number): number {
  return (items * 1000) / ms;
}
