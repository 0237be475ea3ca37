import type {
  SfuAckResult,
  SfuClientEventName,
  SfuClientToServerEvents,
  SfuResponses,
  SfuServerEventName,
  SfuServerPayload,
  SfuServerToClientEvents,
} from '@parley/core';
import { SFU_SERVER_EVENTS } from '@parley/core';
import { io, type Socket } from 'socket.io-client';

/** The SFU test client: a real socket.io-client, every server event buffered and checked against its schema. */
export interface SfuTestClient {
  readonly socket: Socket<SfuServerToClientEvents, SfuClientToServerEvents>;
  request<E extends SfuClientEventName>(event: E, payload: object): Promise<SfuAckResult<SfuResponses[E]>>;
  /** The success body; throws with the error code on an error ack. */
  ok<E extends SfuClientEventName>(event: E, payload: object): Promise<SfuResponses[E]>;
  /** The next `event` (events that already arrived count), optionally the next one matching `where`. */
  next<E extends SfuServerEventName>(
    event: E,
    where?: (payload: SfuServerPayload<E>) => boolean,
  ): Promise<SfuServerPayload<E>>;
  close(): void;
}

export async function connectSfuClient(url: string, timeoutMs = 20_000): Promise<SfuTestClient> {
  const socket: Socket<SfuServerToClientEvents, SfuClientToServerEvents> = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const queues = new Map<string, unknown[]>();
  const waiters = new Map<
    string,
    Array<{ where: (value: unknown) => boolean; resolve: (value: unknown) => void }>
  >();
  for (const event of Object.keys(SFU_SERVER_EVENTS) as SfuServerEventName[]) {
    (socket as unknown as Socket).on(event, (payload: unknown) => {
      // The SFU must send exactly what the protocol says; a test fails on anything else.
      const parsed = SFU_SERVER_EVENTS[event].parse(payload);
      const list = waiters.get(event) ?? [];
      const index = list.findIndex((waiter) => waiter.where(parsed));
      if (index >= 0) {
        const [waiter] = list.splice(index, 1);
        waiter?.resolve(parsed);
        return;
      }
      let queue = queues.get(event);
      if (!queue) queues.set(event, (queue = []));
      queue.push(parsed);
    });
  }
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const request = async <E extends SfuClientEventName>(event: E, payload: object) =>
    (await (socket as unknown as Socket).timeout(timeoutMs).emitWithAck(event, payload)) as SfuAckResult<
      SfuResponses[E]
    >;
  return {
    socket,
    request,
    async ok(event, payload) {
      const result = await request(event, payload);
      if (!result.ok)
        throw Object.assign(
          new Error(`${event}: ${result.error.code} ${result.error.message}`),
          result.error,
        );
      return result;
    },
    next(event, where = () => true) {
      const match = where as (value: unknown) => boolean;
      return new Promise((resolve, reject) => {
        const queue = queues.get(event) ?? [];
        const index = queue.findIndex(match);
        if (index >= 0) return resolve(queue.splice(index, 1)[0] as never);
        const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
        let list = waiters.get(event);
        if (!list) waiters.set(event, (list = []));
        list.push({
          where: match,
          resolve: (value) => {
            clearTimeout(timer);
            resolve(value as never);
          },
        });
      });
    },
    close: () => socket.close(),
  };
}
