import type { TransformStats } from './messages.js';

/** How often unproven transforms are looked at. */
const CHECK_EVERY_MS = 1_000;
/** How long a busy sender or receiver may go with no frame through its transform before it gets a fresh one. */
const STUCK_AFTER_MS = 3_000;
/** Fresh transforms per sender or receiver before the watch gives up on it (the call goes on without it). */
const MAX_REATTACHES = 5;

type Target = RTCRtpSender | RTCRtpReceiver;

interface Watched {
  readonly target: Target;
  readonly role: 'sender' | 'receiver';
  /** Attaches a fresh transform; returns its id. */
  readonly reattach: () => number;
  id: number;
  since: number;
  /** What the target did when `since` was set (undefined until the first look): see `activity`. */
  activity: number | undefined;
  reattaches: number;
}

/**
 * Chromium (since encoded transforms V2 in 141; still in 156) sometimes leaves an RTCRtpScriptTransform
 * unattached: the worker gets its `rtctransform` event but never a frame. On a receiver, packets keep arriving
 * while the tile stays black and asks for a keyframe every few hundred milliseconds, forever; on a sender,
 * nothing of the camera leaves at all. The Amazon Chime SDK met the receiver side of the race (its pull
 * request 3123); we met both, on audio and video, in group calls moving from the mesh to the SFU, where a
 * page attaches many transforms at once.
 *
 * So every transform is watched until a frame reaches it (passed or dropped: the worker's stats). One that has
 * seen no frame for STUCK_AFTER_MS while its sender or receiver was busy — a receiver whose packet count
 * grew, a sender with a live track on a connected transport — is replaced by a fresh transform. A receiver
 * that gets no packets (a camera turned off) or a sender not yet connected is left alone.
 */
export class TransformWatch {
  readonly #watched = new Set<Watched>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #checking = false;

  constructor(
    private readonly stats: () => Promise<TransformStats[]>,
    private readonly checkEveryMs = CHECK_EVERY_MS,
  ) {}

  watch(id: number, target: Target, role: 'sender' | 'receiver', reattach: () => number): void {
    this.#watched.add({ target, role, reattach, id, since: Date.now(), activity: undefined, reattaches: 0 });
    this.#timer ??= setInterval(() => void this.check(), this.checkEveryMs);
  }

  close(): void {
    this.#watched.clear();
    this.#stop();
  }

  /** One look at every watched transform (the timer's). */
  async check(): Promise<void> {
    if (this.#checking || this.#watched.size === 0) return;
    this.#checking = true;
    try {
      const seen = new Map((await this.stats()).map((stats) => [stats.id, framesSeen(stats)]));
      for (const watched of [...this.#watched]) await this.#look(watched, seen.get(watched.id) ?? 0);
    } finally {
      this.#checking = false;
      if (this.#watched.size === 0) this.#stop();
    }
  }

  async #look(watched: Watched, framesSeen: number): Promise<void> {
    if (framesSeen > 0 || watched.target.track?.readyState === 'ended') {
      this.#watched.delete(watched);
      return;
    }
    const activity = await activityOf(watched);
    watched.activity ??= activity;
    if (Date.now() - watched.since < STUCK_AFTER_MS) return;
    const busy =
      watched.role === 'receiver' ? activity > watched.activity : activity > 0 && watched.activity > 0;
    if (busy) {
      if (watched.reattaches >= MAX_REATTACHES) {
        this.#watched.delete(watched);
        return;
      }
      watched.id = watched.reattach();
      watched.reattaches += 1;
    }
    watched.since = Date.now();
    watched.activity = activity;
  }

  #stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

function framesSeen(stats: TransformStats): number {
  return stats.passed + Object.values(stats.dropped).reduce((sum, count) => sum + count, 0);
}

/** A receiver: its packets received so far (0 before DTLS is up). A sender: 1 while its live track goes out on a connected transport. */
async function activityOf({ target, role }: Watched): Promise<number> {
  if (role === 'sender')
    return target.track?.readyState === 'live' && target.transport?.state === 'connected' ? 1 : 0;
  // Chromium keeps a connection's certificate stats from its first getStats until the next negotiation: read
  // while DTLS is still shaking hands, they say "no remote certificate" for good, and a mesh pair's check of
  // the sealed SDP's certificate (core's CallPeer) never passes; the pair is given up after 30 s. So a
  // receiver's stats are read only once its DTLS transport is up (no packets before that anyway).
  if (target.transport?.state !== 'connected') return 0;
  let packets = 0;
  const report = await target.getStats().catch(() => undefined);
  report?.forEach((stat: { type?: string; packetsReceived?: number }) => {
    if (stat.type === 'inbound-rtp') packets += stat.packetsReceived ?? 0;
  });
  return packets;
}
