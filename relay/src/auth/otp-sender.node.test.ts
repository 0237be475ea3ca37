import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OTP_SIGNATURE_HEADER, webhookOtpSender } from './otp-sender.node.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function gateway(status: number) {
  const received: Array<{ body: string; signature: string | undefined; type: string | undefined }> = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({
        body,
        signature: req.headers[OTP_SIGNATURE_HEADER] as string | undefined,
        type: req.headers['content-type'],
      });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`, received };
}

describe('the webhook OTP sender', () => {
  it('posts the code as JSON with an HMAC-SHA256 signature the gateway can check', async () => {
    const { url, received } = await gateway(200);
    await webhookOtpSender({ url, secret: 'k', relay: 'relay-key' }).send('sms', '+491701234567', '123456');
    const [request] = received;
    expect(JSON.parse(request?.body ?? '')).toEqual({
      channel: 'sms',
      address: '+491701234567',
      code: '123456',
      relay: 'relay-key',
    });
    expect(request?.type).toBe('application/json');
    const mac = createHmac('sha256', 'k')
      .update(request?.body ?? '')
      .digest('hex');
    expect(request?.signature).toBe(`sha256=${mac}`);
  });

  it('sends no signature header when no secret is configured', async () => {
    const { url, received } = await gateway(204);
    await webhookOtpSender({ url, relay: 'r' }).send('email', 'a@b.org', '000001');
    expect(received[0]?.signature).toBeUndefined();
  });

  it('reports UNAVAILABLE when the gateway refuses or cannot be reached', async () => {
    const { url } = await gateway(500);
    await expect(webhookOtpSender({ url, relay: 'r' }).send('sms', '+4917012345', '1')).rejects.toMatchObject(
      {
        code: 'UNAVAILABLE',
      },
    );
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    await expect(webhookOtpSender({ url, relay: 'r' }).send('sms', '+4917012345', '1')).rejects.toMatchObject(
      {
        code: 'UNAVAILABLE',
      },
    );
  });
});
