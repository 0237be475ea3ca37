import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtpWebhook {
  url: string;
  /** Every POST the relay made, in order: its JSON body and its signature header. */
  bodies: Array<{ body: Record<string, string>; signature: string | undefined }>;
  close(): Promise<unknown>;
}

/** A real HTTP server on 127.0.0.1 standing in for the operator's SMS/e-mail gateway. */
export async function startOtpWebhook(): Promise<OtpWebhook> {
  const bodies: OtpWebhook['bodies'] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const header = req.headers['x-parley-signature'];
      bodies.push({ body: JSON.parse(text) as Record<string, string>, signature: header as string });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/otp`;
  return { url, bodies, close: () => new Promise((resolve) => server.close(resolve)) };
}
