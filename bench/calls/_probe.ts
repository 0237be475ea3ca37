import wrtc from '@roamhq/wrtc';
import * as mediasoup from 'mediasoup';
import { Device } from 'mediasoup-client';

import { FakeCamera } from './lib/fake-camera.node.js';

Object.assign(globalThis, { RTCPeerConnection: wrtc.RTCPeerConnection, RTCSessionDescription: wrtc.RTCSessionDescription, MediaStream: wrtc.MediaStream, RTCRtpSender: wrtc.RTCRtpSender, RTCRtpReceiver: wrtc.RTCRtpReceiver });
const worker = await mediasoup.createWorker({ workerBin: process.env.MEDIASOUP_WORKER_BIN } as never);
const router = await worker.createRouter({ mediaCodecs: [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 }] });
const device = new Device({ handlerName: 'Chrome111' });
await device.load({ routerRtpCapabilities: router.rtpCapabilities });
const st = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
const send = device.createSendTransport({ id: st.id, iceParameters: st.iceParameters, iceCandidates: st.iceCandidates, dtlsParameters: st.dtlsParameters });
send.on('connect', ({ dtlsParameters }, ok) => void st.connect({ dtlsParameters }).then(ok));
send.on('produce', async ({ kind, rtpParameters }, ok) => ok({ id: (await st.produce({ kind, rtpParameters })).id }));
const cam = new FakeCamera();
const track = cam.stream.getTracks().find((t) => t.kind === 'video');
const producer = await send.produce({ track: track as never });
await new Promise((r) => setTimeout(r, 3000));
console.log('producer', producer.id, (await st.getStats())[0]?.bytesReceived);
worker.close(); process.exit(0);
