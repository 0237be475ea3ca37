import type { FrameKey } from '@parley/core/crypto/frames';
import { FrameTransform, type EncodedFrame } from './frame-transform.js';
import type { FromWorker, ToWorker, TransformSetup } from './messages.js';

/*
 * The dedicated worker that encrypts and decrypts call frames (frame-e2ee.dom.ts starts it). Transforms
 * arrive as RTCRtpScriptTransform events or, where the browser lacks those, as the streams of
 * createEncodedStreams; keys arrive as messages. The AES keys are derived here and never leave.
 */

interface WorkerScope {
  onmessage: ((event: { data: ToWorker }) => void) | null;
  onrtctransform: ((event: { transformer: ScriptTransformer }) => void) | null;
  postMessage(message: FromWorker): void;
}

interface ScriptTransformer {
  readonly readable: ReadableStream<EncodedFrame>;
  readonly writable: WritableStream<EncodedFrame>;
  readonly options: TransformSetup;
}

const scope = globalThis as unknown as WorkerScope;
const transforms = new Map<number, FrameTransform>();
let localKey: FrameKey | undefined;
const remoteKeys = new Map<string, FrameKey[]>();

function start(
  setup: TransformSetup,
  readable: ReadableStream<EncodedFrame>,
  writable: WritableStream<EncodedFrame>,
): void {
  const transform = new FrameTransform(setup);
  transforms.set(setup.id, transform);
  if (setup.role === 'sender' && localKey !== undefined) void transform.addKey(localKey);
  if (setup.role === 'receiver')
    for (const key of remoteKeys.get(setup.participantId ?? '') ?? []) void transform.addKey(key);
  // The pipe ends when the sender or receiver goes away; nothing to report.
  readable
    .pipeThrough(transform.stream<EncodedFrame>())
    .pipeTo(writable)
    .catch(() => undefined);
}

scope.onrtctransform = ({ transformer }) =>
  start(transformer.options, transformer.readable, transformer.writable);

scope.onmessage = ({ data: message }) => {
  switch (message.type) {
    case 'local-key':
      localKey = message.key;
      for (const transform of transforms.values())
        if (transform.setup.role === 'sender') void transform.addKey(message.key);
      return;
    case 'remote-key': {
      const keys = remoteKeys.get(message.participantId) ?? [];
      if (keys.some((key) => key.keyId === message.key.keyId)) return;
      keys.push(message.key);
      if (keys.length > 3) keys.shift();
      remoteKeys.set(message.participantId, keys);
      for (const transform of transforms.values())
        if (transform.setup.role === 'receiver' && transform.setup.participantId === message.participantId)
          void transform.addKey(message.key);
      return;
    }
    case 'streams':
      start(
        message.setup,
        message.readable as ReadableStream<EncodedFrame>,
        message.writable as WritableStream<EncodedFrame>,
      );
      return;
    case 'stop':
      transforms.delete(message.id);
      return;
    case 'stats':
      scope.postMessage({
        type: 'stats',
        request: message.request,
        stats: [...transforms.values()].map((transform) => transform.stats()),
      });
      return;
  }
};
