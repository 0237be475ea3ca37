/**
 * Short sine tones on a WebAudio context (no sound file to ship, nothing for the CSP to allow): each note
 * starts `offset` seconds from now, swells to `peak` and fades out over `length` seconds.
 */
export function playTones(
  audio: AudioContext,
  notes: readonly (readonly [offset: number, frequency: number])[],
  { peak, length }: { peak: number; length: number },
): void {
  const start = audio.currentTime;
  for (const [offset, frequency] of notes) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(peak, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + length - 0.05);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(start + offset);
    oscillator.stop(start + offset + length);
  }
}
