import { afterEach, describe, expect, it } from 'vitest';
import { newIdentity, opusParameters, startTestSfu, type TestSfu } from '../testing/harness.node.js';

let sfu: TestSfu | undefined;
afterEach(async () => {
  await sfu?.stop();
  sfu = undefined;
});

function metric(text: string, name: string): number {
  const line = text.split('\n').find((row) => row.startsWith(`${name} `) || row.startsWith(`${name}{`));
  return Number(line?.split(' ').at(-1));
}

describe('operations endpoints', () => {
  it('/metrics counts rooms, peers, producers and consumers, and each worker’s CPU time', async () => {
    sfu = await startTestSfu({ workers: 2 });
    const room = sfu.newRoom();
    const alice = await sfu.connect();
    const joined = await alice.ok('join', { token: sfu.token(newIdentity(), room) });
    const send = await alice.ok('transport:create', { direction: 'send', plain: { comedia: true } });
    const recv = await alice.ok('transport:create', { direction: 'recv', plain: {} });
    const { producerId } = await alice.ok('produce', {
      transportId: send.transportId,
      kind: 'audio',
      source: 'microphone',
      rtpParameters: opusParameters(1234),
    });
    await alice.ok('consume', {
      transportId: recv.transportId,
      producerId,
      rtpCapabilities: joined.routerRtpCapabilities,
    });
    const text = await (await fetch(`${sfu.sfu.url}/metrics`)).text();
    expect(metric(text, 'parley_sfu_rooms')).toBe(1);
    expect(metric(text, 'parley_sfu_peers')).toBe(1);
    expect(metric(text, 'parley_sfu_producers')).toBe(1);
    expect(metric(text, 'parley_sfu_consumers')).toBe(1);
    expect(text).toMatch(/parley_sfu_worker_cpu_seconds\{worker="0"\} \d/);
    expect(text).toMatch(/parley_sfu_worker_cpu_seconds\{worker="1"\} \d/);
  });

  it('/healthz is ok while the workers run; shutdown closes every room and worker', async () => {
    sfu = await startTestSfu();
    const ok = await fetch(`${sfu.sfu.url}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'ok', workers: [{ index: 0, up: true }] });
    const client = await sfu.connect();
    await client.ok('join', { token: sfu.token(newIdentity(), sfu.newRoom()) });
    const closing = sfu.sfu.close();
    await closing;
    expect(sfu.sfu.context.pool.all()[0]?.worker.closed).toBe(true);
    expect([...sfu.sfu.context.rooms.all()]).toEqual([]);
  });
});
