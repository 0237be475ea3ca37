import { playTones } from '../../ui/tones.dom.js';

let context: AudioContext | undefined;

/** A short two-note chime made with WebAudio (no sound file to ship, nothing for the CSP to allow). */
export function playNotificationSound(): void {
  if (typeof AudioContext !== 'function') return;
  context ??= new AudioContext();
  playTones(
    context,
    [
      [0, 880],
      [0.12, 1320],
    ],
    { peak: 0.15, length: 0.3 },
  );
}
