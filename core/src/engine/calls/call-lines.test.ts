import { afterEach, describe, expect, it } from 'vitest';
import type { ClientDatabase } from '../../storage/index.js';
import { openTestDatabase } from '../../storage/testing/fixtures.js';
import { CallNet } from '../../calls/testing/call-net.js';
import { callLineOf, recordCallLine } from './call-lines.js';

const opened: ClientDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

describe('call lines', () => {
  it('stores each finished call once as a call line in the direct conversation, which is not searchable', async () => {
    const db = await openTestDatabase();
    opened.push(db);
    const net = new CallNet(['alice', 'bob']);
    const call = { callId: net.answeredCall('alice', 'bob', 'video') };
    net.party('alice').controller.mediaConnected(call.callId);
    net.clock.advance(90_000);
    net.party('alice').controller.hangup(call.callId);
    const missed = net.party('alice').controller.place('bob', 'audio');
    net.deliver();
    net.clock.advance(45_000);
    const [answered, unanswered] = net.party('alice').logs;
    if (answered === undefined || unanswered === undefined) throw new Error('two calls, two log entries');

    const line = await recordCallLine(db.messages, 'alice', answered, net.clock.now());
    expect(line).toMatchObject({
      conversationId: 'direct:bob',
      kind: 'call',
      direction: 'outgoing',
      state: 'sent',
    });
    expect(await recordCallLine(db.messages, 'alice', answered, net.clock.now())).toBeUndefined();
    await recordCallLine(db.messages, 'alice', unanswered, net.clock.now());

    const page = await db.messages.page('direct:bob'); // newest first
    expect(page.messages.map(callLineOf)).toEqual([unanswered, answered]);
    expect(callLineOf(page.messages[1] ?? { text: '' })).toMatchObject({
      outcome: 'answered',
      durationMs: 90_000,
      media: 'video',
    });
    expect(callLineOf(page.messages[0] ?? { text: '' })).toMatchObject({
      callId: missed.callId,
      outcome: 'missed',
    });
    expect(await db.messages.search('answered')).toEqual([]);
  });

  it('reads nothing from other messages or damaged lines', () => {
    expect(callLineOf({ text: '{"callId":"x"}' })).toBeUndefined();
    expect(callLineOf({ kind: 'call', text: 'not json' })).toBeUndefined();
    expect(callLineOf({ kind: 'call', text: '{"callId":"x","outcome":"won"}' })).toBeUndefined();
  });
});
