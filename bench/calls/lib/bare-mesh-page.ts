import type { Page } from '@playwright/test';

/*
 * Bare RTCPeerConnection pages that hold a mesh call: one peer connection per other page, offers and answers
 * handed over through the bench process (candidates gathered first, one message each way), every received
 * video and audio and one's own camera shown in plain elements, as the call screen shows them. The group
 * bench's baseline for the mesh. In-page scripts are strings: tsx would wrap functions written here with
 * helpers the page lacks.
 */

/** Installs `window.bench` in a blank page (once per page; `reset` ends a round). */
const INSTALL = `(() => {
  if (window.bench) return;
  window.benchPcs = window.benchPcs || [];
  const element = (tag, key) => {
    const existing = document.querySelector('[data-bench="' + key + '"]');
    if (existing) return existing;
    const made = Object.assign(document.createElement(tag), { autoplay: true, muted: true, width: 320 });
    made.dataset.bench = key;
    return document.body.appendChild(made);
  };
  window.bench = {
    stream: undefined,
    peers: new Map(),
    // The app's group-call capture (join-call.dom.ts GROUP_CALL_CAPTURE).
    async media() {
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: true,
        video: { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24 } },
      });
      element('video', 'self').srcObject = this.stream;
    },
    connection(peer) {
      const pc = new RTCPeerConnection({ iceServers: [] });
      window.benchPcs.push(pc);
      this.peers.set(peer, pc);
      for (const track of this.stream.getTracks()) pc.addTrack(track, this.stream);
      pc.ontrack = ({ track }) => {
        element(track.kind === 'video' ? 'video' : 'audio', peer + '-' + track.kind).srcObject = new MediaStream([track]);
      };
      return pc;
    },
    async gathered(pc) {
      const done = new Promise((resolve) => {
        pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
      });
      if (pc.iceGatheringState !== 'complete') await done;
      return JSON.stringify(pc.localDescription);
    },
    async offer(peer) {
      const pc = this.connection(peer);
      await pc.setLocalDescription(await pc.createOffer());
      return this.gathered(pc);
    },
    async answer(peer, offer) {
      const pc = this.connection(peer);
      await pc.setRemoteDescription(JSON.parse(offer));
      await pc.setLocalDescription(await pc.createAnswer());
      return this.gathered(pc);
    },
    async accept(peer, answer) {
      await this.peers.get(peer).setRemoteDescription(JSON.parse(answer));
    },
    reset() {
      for (const pc of this.peers.values()) pc.close();
      this.peers.clear();
      if (this.stream) for (const track of this.stream.getTracks()) track.stop();
      this.stream = undefined;
      for (const shown of document.querySelectorAll('[data-bench]')) shown.remove();
    },
  };
})()`;

/** One bare participant: its page and the name the others know it by. */
export interface BarePeer {
  readonly name: string;
  readonly page: Page;
}

export async function installBareMesh(pages: readonly Page[]): Promise<void> {
  await Promise.all(pages.map((page) => page.evaluate(INSTALL)));
}

/** Ends every bare page's call: connections closed, camera and microphone stopped. */
export async function resetBareMesh(pages: readonly Page[]): Promise<void> {
  await Promise.all(pages.map((page) => page.evaluate('window.bench.reset()')));
}

/** `a` offers, `b` answers: one direct connection between them (`a` must have its media already). */
export async function connectBare(a: BarePeer, b: BarePeer): Promise<void> {
  const offer = await a.page.evaluate<string>(`window.bench.offer(${JSON.stringify(b.name)})`);
  const answer = await b.page.evaluate<string>(
    `window.bench.answer(${JSON.stringify(a.name)}, ${JSON.stringify(offer)})`,
  );
  await a.page.evaluate(`window.bench.accept(${JSON.stringify(b.name)}, ${JSON.stringify(answer)})`);
}

/** Takes `peers`' cameras and connects every pair of them (the call the joiner joins). */
export async function bareMesh(peers: readonly BarePeer[]): Promise<void> {
  await Promise.all(peers.map((peer) => peer.page.evaluate('window.bench.media()')));
  for (let i = 0; i < peers.length; i += 1)
    for (let j = i + 1; j < peers.length; j += 1) {
      const [a, b] = [peers[i], peers[j]];
      if (a !== undefined && b !== undefined) await connectBare(a, b);
    }
}

/**
 * The joiner takes its camera and connects to each of `others` at once (it offers, they answer), as the
 * app's joiner does. Resolves when every offer was answered.
 */
export async function bareJoin(joiner: BarePeer, others: readonly BarePeer[]): Promise<void> {
  await joiner.page.evaluate('window.bench.media()');
  await Promise.all(others.map((other) => connectBare(joiner, other)));
}
