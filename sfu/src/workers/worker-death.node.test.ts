import { afterEach, describe, expect, it } from 'vitest';
import { newIdentity, opusParameters, startTestSfu, type TestSfu } from '../testing/harness.node.js';

let sfu: TestSfu | undefined;
afterEach(async () => {
  await sfu?.stop();
  sfu = undefined;
});

describe('a worker that dies during a call', () => {
  it('is replaced, the room is recreated, and its peers are told and rejoin without a new token', async () => {
    sfu = await startTestSfu({ workers: 1 });
    const room = sfu.newRoom();
    const peers = [];
    for (let index = 0; index < 2; index += 1) {
      const client = await sfu.connect();
      const joined = await client.ok('join', { token: sfu.token(newIdentity(), room) });
      const send = await client.ok('transport:create', { direction: 'send', plain: { comedia: true } });
      await client.ok('produce', {
        transportId: send.transportId,
        kind: 'audio',
        source: 'microphone',
        rtpParameters: opusParameters(9000 + index),
      });
      peers.push({ client, joined });
    }
    const slot = sfu.sfu.context.pool.all()[0];
    const oldPid = slot?.worker.pid ?? 0;
    const oldRouter = sfu.sfu.context.rooms.get(room)?.routerFor(0);

    process.kill(oldPid, 'SIGKILL');

    for (const { client } of peers)
      expect(await client.next('room:restart')).toEqual({ reason: 'worker-died' });
    expect(oldRouter?.closed).toBe(true);
    // Both come back on the same sockets, with no token (an app does this without asking its user).
    const [first, second] = peers;
    const again = await first?.client.ok('rejoin', {});
    const againSecond = await second?.client.ok('rejoin', {});
    expect(slot?.worker.pid).not.toBe(oldPid);
    expect(slot?.worker.died).toBe(false);
    expect(againSecond?.peers).toEqual([{ peerId: again?.peerId, identity: expect.any(String) }]);
    expect(
      await first?.client.next('peer:joined', (joined) => joined.peerId === againSecond?.peerId),
    ).toBeDefined();
    // And the call works again: they can open transports and send on the new worker's router.
    const send = await first?.client.ok('transport:create', { direction: 'send', plain: { comedia: true } });
    const produced = await first?.client.ok('produce', {
      transportId: send?.transportId,
      kind: 'audio',
      source: 'microphone',
      rtpParameters: opusParameters(9100),
    });
    expect(
      await second?.client.next('producer:new', (p) => p.producerId === produced?.producerId),
    ).toMatchObject({
      peerId: again?.peerId,
    });
    const health = await fetch(`${sfu.sfu.url}/healthz`);
    expect(health.status).toBe(200);
  });
});
