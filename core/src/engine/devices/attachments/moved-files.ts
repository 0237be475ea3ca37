import { ParleyError, isParleyError } from '../../../errors/index.js';
import type { EngineContext } from '../../context.js';
import type { EngineTimers } from '../../platform.js';
import { FileRecords } from '../../files/file-records.js';
import { MemoryFileSink, type FileSinkFactory } from '../../files/file-io.js';
import type { LinkJoin } from '../linking/join.js';
import type { LinkedAccountRecord } from '../linking/types.js';
import { fetchFile } from './fetch.js';
import { MOVED_FILE_PREFIX, movedFileRecord, type MovedFileRecord } from './records.js';

/** A moved history's file whose bytes are on the device that linked this one (`client.linking.movedFile`). */
export interface MovedFile {
  /**
   * not-fetched: never asked for; fetching: coming now; offline: that device was not online at the last
   * attempt ("available when it is online"); failed: it answered but the bytes did not arrive (`reason`).
   */
  readonly state: MovedFileRecord['state'] | 'fetching';
  /** The device that has the bytes: its id in the account's list. */
  readonly deviceId: number;
  readonly reason?: string;
}

export interface MovedFilesParts {
  readonly sink: FileSinkFactory;
  linkedAccount(): Promise<LinkedAccountRecord | undefined>;
  /** Opens a channel to the device that linked this one, for files (LinkJoin.resume, 'files'). */
  openChannel(record: LinkedAccountRecord): LinkJoin;
  /** How long that device may take to answer the hello (it may be connected but busy, or an old version). */
  readonly answerTimeoutMs: number;
  /** How long the channel waits for its direct path before the relay carries the file. */
  readonly directTimeoutMs: number;
}

/**
 * The files of a moved history on the new device: the history brings their records (name, size, thumbnail)
 * and their bytes follow on demand from the device that linked this one, over a new device-link channel
 * (direct when WebRTC connects, else the relay; boxed under fresh keys either way), checked like any received
 * file (size and attachment digest), then written once to the client's file sink: the `file` event then says
 * where they are, as for any received file.
 */
export class MovedFiles {
  readonly #fetching = new Map<string, Promise<void>>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly parts: MovedFilesParts,
  ) {}

  /** Where a moved file stands, or undefined when its bytes are here (or it never was a moved file). */
  async get(messageId: string): Promise<MovedFile | undefined> {
    const record = await movedFileRecord(this.ctx.state, messageId);
    if (record === undefined) return undefined;
    const deviceId = await this.#hostDeviceId();
    if (this.#fetching.has(messageId)) return { state: 'fetching', deviceId };
    return { ...record, deviceId };
  }

  /**
   * Fetches a moved file's bytes from the device that has them (once: a second call while one runs shares
   * it). Emits `file-progress` and then `file`, as a file received from a contact. UNAVAILABLE, with
   * "available when device N is online", when that device is not connected; NOT_FOUND when it has no copy.
   */
  fetch(messageId: string): Promise<void> {
    this.ctx.assertOpen();
    const running = this.#fetching.get(messageId);
    if (running !== undefined) return running;
    const fetching = this.#fetch(messageId).finally(() => this.#fetching.delete(messageId));
    this.#fetching.set(messageId, fetching);
    return fetching;
  }

  async #fetch(messageId: string): Promise<void> {
    const { ctx } = this;
    if ((await movedFileRecord(ctx.state, messageId)) === undefined)
      throw new ParleyError('NOT_FOUND', 'that file is not one of the moved history waiting for its bytes');
    const info = await new FileRecords(ctx.state).get(messageId);
    const linked = await this.parts.linkedAccount();
    if (info === undefined || linked === undefined)
      throw new ParleyError(
        'NOT_FOUND',
        'this device has no record of that file or of the device that has it',
      );
    const deviceId = this.#deviceIdOf(linked);
    let join: LinkJoin | undefined;
    try {
      join = this.parts.openChannel(linked);
      const channel = await accepted(join, ctx.timers, this.parts.answerTimeoutMs);
      const file = { messageId, name: info.name, mimeType: info.mimeType, size: info.size };
      let sink: Awaited<ReturnType<FileSinkFactory>> | undefined;
      await fetchFile(
        channel,
        {
          file,
          openSink: async (incoming) => (sink = await this.parts.sink(incoming)),
          onProgress: (bytes, total) =>
            ctx.emit('file-progress', { messageId, direction: 'receive', bytes, total }),
          // Serving starts after the direct path had its chance to open: silence counts from there.
          idle: { timers: ctx.timers, ms: this.parts.answerTimeoutMs + this.parts.directTimeoutMs },
        },
        ctx.crypto,
      );
      await ctx.state.delete(`${MOVED_FILE_PREFIX}${messageId}`);
      ctx.emit('file', {
        ...file,
        ...(sink instanceof MemoryFileSink ? { bytes: sink.bytes } : {}),
        ...(info.voice === undefined ? {} : { voice: info.voice }),
      });
    } catch (error) {
      const offline = isParleyError(error, 'UNAVAILABLE');
      const reason = offline
        ? `available when device ${deviceId} is online`
        : isParleyError(error)
          ? error.message
          : String(error);
      await ctx.state.put(`${MOVED_FILE_PREFIX}${messageId}`, {
        state: offline ? 'offline' : 'failed',
        reason,
      } satisfies MovedFileRecord);
      throw offline ? new ParleyError('UNAVAILABLE', reason, { cause: error }) : error;
    } finally {
      join?.close();
    }
  }

  async #hostDeviceId(): Promise<number> {
    const linked = await this.parts.linkedAccount();
    return linked === undefined ? 1 : this.#deviceIdOf(linked);
  }

  /** The linking device's id in the list this device was handed (the primary when it is not named). */
  #deviceIdOf(linked: LinkedAccountRecord): number {
    const listed = linked.list.devices.find((device) => device.identityKey === linked.host);
    return listed?.deviceId ?? 1;
  }
}

/** The channel once the other device accepted the resume hello; its refusal or silence is the error. */
function accepted(
  join: LinkJoin,
  timers: EngineTimers,
  timeoutMs: number,
): Promise<NonNullable<LinkJoin['channel']>> {
  return new Promise((resolve, reject) => {
    const offs: (() => void)[] = [];
    const timer = timers.setTimeout(
      () => settle(new ParleyError('UNAVAILABLE', 'the other device did not answer')),
      timeoutMs,
    );
    function settle(error?: unknown): void {
      timers.clearTimeout(timer);
      for (const off of offs) off();
      const channel = join.channel;
      if (error !== undefined || channel === undefined) reject(error);
      else resolve(channel);
    }
    offs.push(join.on('error', (error) => settle(error)));
    offs.push(
      join.on('phase', (phase) => {
        if (phase === 'linked') settle();
      }),
    );
    if (join.phase === 'linked') settle();
    else if (join.phase === 'failed') settle(new ParleyError('CLOSED', 'the device link failed'));
  });
}
