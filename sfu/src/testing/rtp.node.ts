import { createSocket, type Socket } from 'node:dgram';

/**
 * A minimal RTP sender and receiver over UDP on loopback, so tests and benchmarks can push synthetic media
 * through PlainTransports without a browser. Packets carry a valid RTP header (RFC 3550) and a filler
 * payload; the SFU forwards them without decoding.
 */
export interface RtpStream {
  ssrc: number;
  payloadType: number;
  clockRate: number;
}

/** The header extension id tests negotiate for ssrc-audio-level (RFC 6464). */
export const AUDIO_LEVEL_EXTENSION_ID = 1;

/**
 * One RTP packet. With `audioLevel` (0 = loudest … 127 = silence, in -dBov) it carries the RFC 6464
 * audio-level header extension (one-byte form, RFC 8285), which mediasoup's audio observers read.
 */
export function rtpPacket(
  stream: RtpStream,
  sequence: number,
  timestamp: number,
  payload: Uint8Array,
  audioLevel?: number,
): Buffer {
  const extension = audioLevel === undefined ? 0 : 8; // 4-byte extension header + one 4-byte word
  const packet = Buffer.alloc(12 + extension + payload.length);
  packet[0] = audioLevel === undefined ? 0x80 : 0x90; // version 2, X bit when extended, no CSRC
  packet[1] = stream.payloadType & 0x7f;
  packet.writeUInt16BE(sequence & 0xffff, 2);
  packet.writeUInt32BE(timestamp >>> 0, 4);
  packet.writeUInt32BE(stream.ssrc >>> 0, 8);
  if (audioLevel !== undefined) {
    packet.writeUInt16BE(0xbede, 12); // one-byte header extensions
    packet.writeUInt16BE(1, 14); // one 32-bit word follows
    packet[16] = (AUDIO_LEVEL_EXTENSION_ID << 4) | 0; // id, length - 1
    packet[17] = 0x80 | (audioLevel & 0x7f); // V (voice activity) + level
  }
  packet.set(payload, 12 + extension);
  return packet;
}

/** An Opus-like 20 ms frame of silence-sized payload. */
export const AUDIO_PAYLOAD = new Uint8Array(40).fill(0xf8);
/**
 * A VP8 keyframe-looking payload: payload descriptor with the start bit and, after it, a frame header whose
 * P bit is 0 (keyframe), so the SFU's VP8 handling accepts it and can switch layers on it.
 */
export function vp8Payload(keyframe: boolean, pictureId: number, temporalLayer = 0): Uint8Array {
  const payload = new Uint8Array(200);
  payload[0] = 0x90; // X=1, S=1, PID=0
  payload[1] = 0xe0; // I=1 (picture id), L=1 (TL0PICIDX), T=1 (TID)
  payload[2] = 0x80 | ((pictureId >> 8) & 0x7f); // 15-bit picture id
  payload[3] = pictureId & 0xff;
  payload[4] = pictureId & 0xff; // TL0PICIDX
  payload[5] = ((temporalLayer & 0x03) << 6) | 0x20; // TID, Y=1
  payload[6] = keyframe ? 0x00 : 0x01; // VP8 frame tag: P bit
  if (keyframe) {
    payload[9] = 0x9d; // keyframe start code
    payload[10] = 0x01;
    payload[11] = 0x2a;
    payload[12] = 0x80; // width 640
    payload[13] = 0x02;
    payload[14] = 0xe0; // height 480
    payload[15] = 0x01;
  }
  return payload;
}

export interface RtpReceiver {
  readonly port: number;
  /** Packets received per SSRC. */
  readonly counts: Map<number, number>;
  /** Resolves once `count` packets of `ssrc` have arrived. */
  waitFor(ssrc: number, count: number): Promise<void>;
  close(): void;
}

export async function rtpReceiver(): Promise<RtpReceiver> {
  const socket: Socket = createSocket('udp4');
  const counts = new Map<number, number>();
  const waiters: Array<{ ssrc: number; count: number; resolve: () => void }> = [];
  socket.on('message', (message) => {
    // RTCP shares the socket with rtcp-mux; its packet types 200-207 read as RTP payload types 72-79 once
    // the marker bit is masked off (RFC 5761), which no RTP stream here uses. Count RTP only.
    const payloadType = (message[1] ?? 0) & 0x7f;
    if (message.length < 12 || (payloadType >= 72 && payloadType <= 79)) return;
    const ssrc = message.readUInt32BE(8);
    const count = (counts.get(ssrc) ?? 0) + 1;
    counts.set(ssrc, count);
    for (let index = waiters.length - 1; index >= 0; index -= 1) {
      const waiter = waiters[index];
      if (waiter && waiter.ssrc === ssrc && count >= waiter.count) {
        waiters.splice(index, 1);
        waiter.resolve();
      }
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    counts,
    waitFor: (ssrc, count) =>
      (counts.get(ssrc) ?? 0) >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ ssrc, count, resolve })),
    close: () => socket.close(),
  };
}

/** A UDP socket that sends RTP to one address. */
export async function rtpSender(ip: string, port: number) {
  const socket: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    send: (packet: Buffer) =>
      new Promise<void>((resolve, reject) =>
        socket.send(packet, port, ip, (error) => (error ? reject(error) : resolve())),
      ),
    close: () => socket.close(),
  };
}
