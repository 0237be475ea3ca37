/**
 * The web client's Content-Security-Policy, written once: the built page carries it as a <meta> tag
 * (desktop/vite.config.ts) and the relay sends it as a header with every file of the client it serves
 * (relay/src/http/web-client-headers.node.ts). A browser enforces both, so two copies that drifted apart
 * would enforce the stricter mix of both without anyone having decided it. Only a header can say
 * `frame-ancestors` (a <meta> CSP may not forbid framing), so the header adds it.
 *
 * connect-src admits any http(s)/ws(s) origin: contacts' home relays are known only at run time. No inline or
 * eval'd script, styles from files only. The Electron shell (desktop/src/main/policy/csp.ts) takes this same
 * list and narrows connect-src alone, so a directive added here reaches the desktop app too.
 */
export type CspDirective = readonly [name: string, ...sources: string[]];

const DIRECTIVES: readonly CspDirective[] = [
  ['default-src', "'none'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', "'self'", 'blob:', 'data:'],
  ['media-src', "'self'", 'blob:', 'mediastream:'],
  ['font-src', "'self'"],
  ['connect-src', "'self'", 'https:', 'wss:', 'http:', 'ws:'],
  ['worker-src', "'self'"],
  ['manifest-src', "'self'"],
  ['object-src', "'none'"],
  ['frame-src', "'none'"],
  // Redundant beside worker-src and frame-src in current browsers; kept for engines that only know child-src.
  ['child-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
];

/** Writes a directive list as a policy string. */
export const joinCsp = (directives: readonly CspDirective[]): string =>
  directives.map((parts) => parts.join(' ')).join('; ');

/** The policy as the built page's <meta http-equiv="Content-Security-Policy"> says it. */
export const WEB_CLIENT_CSP_META = joinCsp(DIRECTIVES);

/** The header's directives: the page's, and no page may frame the client (clickjacking). */
export const WEB_CLIENT_CSP_HEADER_DIRECTIVES: readonly CspDirective[] = [
  ...DIRECTIVES,
  ['frame-ancestors', "'none'"],
];

/** The policy as the relay's header says it. */
export const WEB_CLIENT_CSP_HEADER = joinCsp(WEB_CLIENT_CSP_HEADER_DIRECTIVES);

/** A policy's directives by name, for comparing two policies whatever their order or spacing. */
export function cspDirectives(policy: string): Map<string, string> {
  const directives = new Map<string, string>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/u);
    if (name) directives.set(name.toLowerCase(), sources.join(' '));
  }
  return directives;
}
