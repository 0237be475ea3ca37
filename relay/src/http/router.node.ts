import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RouteRequest {
  req: IncomingMessage;
  res: ServerResponse;
  /** Named `:segments` of the matched pattern. */
  params: Record<string, string>;
  url: URL;
}

export interface Route {
  method: 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'DELETE';
  /** Literal segments and `:name` placeholders, e.g. `/v1/attachments/:hash/status`. */
  pattern: string;
  /**
   * Handlers that write to disk or the store. They are refused with UNAVAILABLE once the relay is closing, and
   * close() waits for the ones already running; read-only handlers (downloads) are cut off with the sockets.
   */
  mutates?: boolean;
  handle(request: RouteRequest): Promise<void> | void;
}

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'none' };

/** A route table matched segment by segment: small, explicit, and no framework between node:http and us. */
export function createRouter(routes: Route[]) {
  const compiled = routes.map((route) => ({ route, segments: route.pattern.split('/').filter(Boolean) }));

  function matchPath(segments: string[], path: string[]): Record<string, string> | null {
    if (segments.length !== path.length) return null;
    const params: Record<string, string> = {};
    for (const [index, segment] of segments.entries()) {
      const actual = path[index] ?? '';
      if (segment.startsWith(':')) params[segment.slice(1)] = actual;
      else if (segment !== actual) return null;
    }
    return params;
  }

  return {
    match(method: string, pathname: string): RouteMatch {
      const path = pathname.split('/').filter(Boolean);
      const allow: string[] = [];
      for (const { route, segments } of compiled) {
        const params = matchPath(segments, path);
        if (!params) continue;
        if (route.method === method) return { kind: 'found', route, params };
        allow.push(route.method);
      }
      return allow.length > 0 ? { kind: 'method-not-allowed', allow } : { kind: 'none' };
    },
  };
}
