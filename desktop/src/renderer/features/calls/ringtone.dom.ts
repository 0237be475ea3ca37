import { playTones } from '../../ui/tones.dom.js';

/**
 * The incoming-call ringtone, made with WebAudio (no sound file to ship, nothing for the CSP to allow): two
 * soft tones, repeated every 3 s until `stop()`, which closes its AudioContext.
 */
export class Ringtone {
  readonly #context: AudioContext | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    this.#context = typeof AudioContext === 'function' ? new AudioContext() : undefined;
    if (this.#context === undefined) return;
    this.#ring();
    this.#timer = setInterval(() => this.#ring(), 3000);
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#context !== undefined && this.#context.state !== 'closed') void this.#context.close();
  }

  #ring(): void {
    const audio = this.#context;
    if (audio === undefined || audio.state === 'closed') return;
    playTones(
      audio,
      [
        [0, 660],
        [0.4, 880],
      ],
      { peak: 0.2, length: 0.4 },
    );
  }
}
