/**
 * Every relay error code of docs/protocol.md, provoked the way an outside client would, with the code the
 * document promises. Codes only clients raise (crypto, stores) are not the relay's; see coverage.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerChallenge } from './support/auth.js';
import { connect, outcome, type Client } from './support/client.js';
import { bundle, newIdentity } from './support/keys.js';
import { createInvite, newDataDir, startRelayProcess, type RelayProcess } from './support/relay.js';

const relays: RelayProcess[] = [];
const clients: Client[] = [];
async function relayWith(flags: string[] = [], dataDir?: string) {
  const relay = await startRelayProcess(flags, dataDir);
  relays.push(relay);
  return relay;
}
async function client(relay: RelayProcess, options: Parameters<typeof connect>[1] = {}) {
  const c = await connect(relay.url, options);
  clients.push(c);
  return c;
}
afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(relays.map((relay) => relay.stop()));
});

let open: RelayProcess;
beforeAll(async () => {
  open = await relayWith(['--storage-max-mb', '1']);
});

describe('any event', () => {
  it('UNKNOWN_EVENT for a name not in the document, before and after auth', async () => {
    const anonymous = await client(open, { skipAuth: true });
    expect(outcome(await anonymous.request('no:such:event', {}))).toBe('UNKNOWN_EVENT');
    const alice = await client(open);
    expect(outcome(await alice.request('no:such:event', {}))).toBe('UNKNOWN_EVENT');
  });

  it('AUTH_REQUIRED for a known event before auth', async () => {
    const anonymous = await client(open, { skipAuth: true });
    expect(outcome(await anonymous.request('turn:refresh', {}))).toBe('AUTH_REQUIRED');
  });

  it('BAD_REQUEST names the field, including an unknown key inside signal.data', async () => {
    const alice = await client(open);
    const to = newIdentity().id;
    const bad = await alice.request('signal', {
      to,
      linkId: 'l',
      data: { type: 'offer', sdp: 'x', extra: 1 },
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(
      outcome(await alice.request('signal', { to, linkId: 'not a link id!', data: { renegotiate: true } })),
    ).toBe('BAD_REQUEST');
    expect(outcome(await alice.request('typing', { to, typing: true, extra: true }))).toBe('BAD_REQUEST');
  });

  it('PAYLOAD_TOO_LARGE for every size or count limit, and a too large signal is not relayed', async () => {
    const alice = await client(open);
    const bob = await client(open);
    const sdp = 'a'.repeat(70 * 1024);
    const signal = await alice.request('signal', {
      to: bob.identity.id,
      linkId: 'l',
      data: { type: 'offer', sdp },
    });
    expect(outcome(signal)).toBe('PAYLOAD_TOO_LARGE');
    const encodings = Array.from({ length: 8 }, () =>
      Object.fromEntries(Array.from({ length: 34 }, (_, i) => [`k${i}`.padEnd(60, 'x'), 'v'.repeat(200)])),
    );
    const request = { transceiverRequest: { kind: 'video', init: { sendEncodings: encodings } } };
    expect(outcome(await alice.request('signal', { to: bob.identity.id, linkId: 'l', data: request }))).toBe(
      'PAYLOAD_TOO_LARGE',
    );
    await alice.ok('typing', { to: bob.identity.id, typing: false });
    expect(bob.drain('signal')).toEqual([]);
    const recipients = [bob.identity.id];
    for (const size of [256 * 1024 + 1, 300 * 1024]) {
      const blob = await alice.request('blob:deposit', { recipients, payload: Buffer.alloc(size) });
      expect(outcome(blob)).toBe('PAYLOAD_TOO_LARGE');
    }
    const many = Array.from({ length: 1025 }, () => newIdentity().id);
    expect(
      outcome(await alice.request('blob:deposit', { recipients: many, payload: Buffer.from('x') })),
    ).toBe('PAYLOAD_TOO_LARGE');
  });

  it('RATE_LIMITED with retryAfter for a fourth code request on one connection', async () => {
    const otp = await relayWith(['--policy', 'otp']);
    const asker = await client(otp, { skipAuth: true });
    const address = { channel: 'email', address: 'rate@example.org' };
    for (let i = 0; i < 3; i += 1) expect(outcome(await asker.request('otp:request', address))).toBe('ok');
    const limited = await asker.request('otp:request', address);
    expect(limited).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) },
    });
  });
});

describe('auth', () => {
  it('AUTH_FAILED for a signature by another key, then a fresh challenge', async () => {
    const mallory = await client(open, { skipAuth: true });
    const first = mallory.challenge();
    const victim = newIdentity();
    const forged = answerChallenge(first, victim, mallory.identity);
    expect(outcome(await mallory.request('auth', forged))).toBe('AUTH_FAILED');
    const fresh = await mallory.next('auth:challenge');
    expect(fresh['nonce']).not.toBe(first.nonce);
    // The spent nonce is refused whatever is signed.
    expect(outcome(await mallory.request('auth', answerChallenge(first, mallory.identity)))).toBe(
      'AUTH_FAILED',
    );
  });

  it('ALREADY_AUTHENTICATED for a second auth on one connection', async () => {
    const alice = await client(open);
    expect(outcome(await alice.request('auth', answerChallenge(alice.challenge(), alice.identity)))).toBe(
      'ALREADY_AUTHENTICATED',
    );
  });

  it('ACCESS_DENIED and INVITE_INVALID on an invite relay; the invite admits once', async () => {
    const dataDir = await newDataDir();
    const token = createInvite(dataDir);
    const relay = await relayWith(['--policy', 'invite'], dataDir);
    const bare = await client(relay, { skipAuth: true });
    expect(outcome(await bare.request('auth', answerChallenge(bare.challenge(), bare.identity)))).toBe(
      'ACCESS_DENIED',
    );
    const wrong = await client(relay, { skipAuth: true });
    const answer = { ...answerChallenge(wrong.challenge(), wrong.identity), invite: 'not-an-invite' };
    expect(outcome(await wrong.request('auth', answer))).toBe('INVITE_INVALID');
    const admitted = await client(relay, { authExtra: { invite: token } });
    expect(admitted.auth?.['identity']).toBe(admitted.identity.id);
    admitted.close();
    expect((await client(relay, { identity: admitted.identity })).auth).toBeDefined();
  });

  it('OTP_INVALID, then OTP_LOCKED after five wrong codes; otp:request is BAD_REQUEST on an open relay', async () => {
    const relay = await relayWith(['--policy', 'otp']);
    const asker = await client(relay, { skipAuth: true });
    const address = { channel: 'sms', address: '+4915112345678' };
    await asker.ok('otp:request', address);
    // The console sender writes the code to the relay's log, where the operator reads it.
    const sent = await relay.logLine((line) => typeof line['code'] === 'string');
    const code = String(sent['code']);
    const wrongCode = code === '000000' ? '111111' : '000000';
    const codes: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const c = await client(relay, { skipAuth: true });
      const answer = { ...answerChallenge(c.challenge(), c.identity), otp: { ...address, code: wrongCode } };
      codes.push(outcome(await c.request('auth', answer)));
    }
    expect(codes).toEqual([
      'OTP_INVALID',
      'OTP_INVALID',
      'OTP_INVALID',
      'OTP_INVALID',
      'OTP_INVALID',
      'OTP_LOCKED',
    ]);
    const late = await client(relay, { skipAuth: true });
    const right = { ...answerChallenge(late.challenge(), late.identity), otp: { ...address, code } };
    expect(outcome(await late.request('auth', right))).toBe('OTP_LOCKED');

    const onOpen = await client(open, { skipAuth: true });
    expect(outcome(await onOpen.request('otp:request', address))).toBe('BAD_REQUEST');
  });
});

describe('handlers', () => {
  it('BAD_BUNDLE for another identity’s bundle, INVALID_SIGNATURE for a bundle signed by the wrong key', async () => {
    const alice = await client(open);
    const other = newIdentity();
    expect(outcome(await alice.request('prekeys:publish', { bundle: bundle(other, 1) }))).toBe('BAD_BUNDLE');
    const forged = bundle(alice.identity, 1, other);
    expect(outcome(await alice.request('prekeys:publish', { bundle: forged }))).toBe('INVALID_SIGNATURE');
  });

  it('NOT_FOUND and USERNAME_TAKEN in the directory', async () => {
    const alice = await client(open);
    const bob = await client(open);
    expect(outcome(await alice.request('prekeys:fetch', { identity: newIdentity().id }))).toBe('NOT_FOUND');
    expect(outcome(await alice.request('username:resolve', { username: 'nobody_here' }))).toBe('NOT_FOUND');
    await alice.ok('username:set', { username: 'taken_name' });
    expect(outcome(await bob.request('username:set', { username: 'Taken_Name' }))).toBe('USERNAME_TAKEN');
  });

  it('recall: NOT_FOUND for someone else’s blob and after a recall; ALREADY_DELIVERED until the notice is acknowledged', async () => {
    const alice = await client(open);
    const bob = await client(open);
    const { id } = await alice.ok('blob:deposit', {
      recipients: [newIdentity().id],
      payload: Buffer.from('a'),
    });
    expect(outcome(await bob.request('blob:recall', { id }))).toBe('NOT_FOUND');
    await alice.ok('blob:recall', { id });
    expect(outcome(await alice.request('blob:recall', { id }))).toBe('NOT_FOUND');

    const sent = await alice.ok('blob:deposit', { recipients: [bob.identity.id], payload: Buffer.from('b') });
    await bob.next('blob');
    await bob.ok('blob:ack', { ids: [sent['id']] });
    await alice.next('blob:delivered');
    expect(outcome(await alice.request('blob:recall', { id: sent['id'] }))).toBe('ALREADY_DELIVERED');
    await alice.ok('notice:ack', { notices: [{ id: sent['id'], recipient: bob.identity.id }] });
    expect(outcome(await alice.request('blob:recall', { id: sent['id'] }))).toBe('NOT_FOUND');
  });

  it('QUOTA_EXCEEDED once the relay-wide storage ceiling is reached, with a message that says so', async () => {
    const alice = await client(open);
    const bob = newIdentity();
    const results = [];
    for (let i = 0; i < 5; i += 1) {
      results.push(
        await alice.request('blob:deposit', { recipients: [bob.id], payload: Buffer.alloc(250 * 1024) }),
      );
    }
    expect(results.map(outcome)).toEqual(['ok', 'ok', 'ok', 'ok', 'QUOTA_EXCEEDED']);
    expect(results[4]).toMatchObject({ error: { message: expect.stringMatching(/storage is full/) } });
    const bobClient = await client(open, { identity: bob });
    const ids = [];
    for (let i = 0; i < 4; i += 1) ids.push((await bobClient.next('blob'))['id']);
    await bobClient.ok('blob:ack', { ids });
  });
});
