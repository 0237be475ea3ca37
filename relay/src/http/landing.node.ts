import type { ServerResponse } from 'node:http';
import type { RelayContext } from '../context.js';

/**
 * What a person sees opening the relay's URL when no web client is installed: that this is a Parley relay,
 * its key (to compare with what their app shows) and its access policy, instead of a bare JSON 404.
 * Every value is base64url or a fixed word, so nothing needs escaping.
 */
export function sendLandingPage(ctx: RelayContext, res: ServerResponse, headOnly: boolean): void {
  const relayKey = Buffer.from(ctx.relayKey.publicKey).toString('base64url');
  const policy = ctx.config.access.policy;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Parley relay</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5">
<h1>Parley relay</h1>
<p>This is a private Parley relay. Point a Parley app at this address to chat through it. Messages pass through it
end-to-end encrypted: it cannot read them.</p>
<p>Relay key: <code>${relayKey}</code><br>Access: <strong>${policy}</strong></p>
<p>The web client is not installed on this relay (start it with <code>--web-root</code>).
Health: <a href="/healthz">/healthz</a> · Description: <a href="/v1/relay">/v1/relay</a></p>
</body></html>
`;
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(headOnly ? undefined : html);
}
