import { describe, expect, it } from 'vitest';
import { BYE_WAIT_MS, LINK_BYE, LinkBye, type ByeChannel, type ByeConnection } from './link-bye.js';
import { ManualTimers } from './testing/manual-timers.js';

class FakeConnection implements ByeConnection {
  destroyed = false;
  destroys = 0;
  destroy(): void {
    this.destroys += 1;
    this.destroyed = true;
  }
}

class FakeChannel implements ByeChannel {
  readonly sent: string[] = [];
  constructor(
    public readyState: ByeChannel['readyState'],
    readonly fails = false,
  ) {}
  send(data: string): void {
    if (this.fails) throw new Error('channel gone');
    this.sent.push(data);
  }
}

function setUp(): { bye: LinkBye; connection: FakeConnection; timers: ManualTimers } {
  const connection = new FakeConnection();
  const timers = new ManualTimers();
  return { bye: new LinkBye(connection, timers), connection, timers };
}

describe('LinkBye', () => {
  it('says bye on an open channel and waits for the peer before tearing down', () => {
    const { bye, connection, timers } = setUp();
    const channel = new FakeChannel('open');
    bye.linkClosed(channel, false);
    expect(channel.sent).toEqual([LINK_BYE]);
    expect(connection.destroyed).toBe(false);
    expect(timers.pending).toBe(1);
    bye.tearDown(); // the peer said bye in answer
    expect(connection.destroys).toBe(1);
    expect(timers.pending).toBe(0);
  });

  it(`tears down after ${BYE_WAIT_MS} ms when the peer stays silent`, () => {
    const { bye, connection, timers } = setUp();
    bye.linkClosed(new FakeChannel('open'), false);
    timers.fireAll();
    expect(connection.destroys).toBe(1);
  });

  it('stops waiting once the connection has closed on its own', () => {
    const { bye, connection, timers } = setUp();
    bye.linkClosed(new FakeChannel('open'), false);
    bye.connectionClosed();
    expect(timers.pending).toBe(0);
    expect(connection.destroys).toBe(0);
  });

  it('tears down at once, without a bye, when the peer is closing already', () => {
    const { bye, connection, timers } = setUp();
    const channel = new FakeChannel('open');
    bye.linkClosed(channel, true);
    expect(channel.sent).toEqual([]);
    expect(connection.destroys).toBe(1);
    expect(timers.pending).toBe(0);
  });

  it('tears down at once when the bye cannot be said', () => {
    for (const channel of [undefined, new FakeChannel('closing'), new FakeChannel('open', true)]) {
      const { bye, connection, timers } = setUp();
      bye.linkClosed(channel, false);
      expect(connection.destroys).toBe(1);
      expect(timers.pending).toBe(0);
    }
  });

  it('does not destroy a connection that is gone already', () => {
    const { bye, connection } = setUp();
    connection.destroyed = true;
    bye.tearDown();
    expect(connection.destroys).toBe(0);
  });
});
