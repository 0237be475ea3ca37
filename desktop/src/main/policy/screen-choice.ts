/**
 * Which screen or window the next getDisplayMedia shares. Electron has no picker of its own: main lists
 * the sources, the renderer shows them, the person picks one, and main's display-media handler gives that
 * one to the request. A renderer can only pick a source main offered in its latest list, and a pick is
 * used once and only soon after it was made, so a page cannot start sharing a screen nobody chose.
 */
export const SCREEN_CHOICE_TTL_MS = 30_000;

export class ScreenChoice {
  #offered = new Set<string>();
  #chosen: { id: string; at: number } | undefined;

  constructor(private readonly now: () => number) {}

  /** The ids of the sources just listed for the renderer (they replace any earlier list). */
  offer(ids: readonly string[]): void {
    this.#offered = new Set(ids);
    this.#chosen = undefined;
  }

  /** The person picked `id`; false (and nothing chosen) unless the latest list offered it. */
  choose(id: string): boolean {
    if (!this.#offered.has(id)) {
      this.#chosen = undefined;
      return false;
    }
    this.#chosen = { id, at: this.now() };
    return true;
  }

  /** For a display-media request: the picked id, once, if picked within SCREEN_CHOICE_TTL_MS. */
  take(): string | undefined {
    const chosen = this.#chosen;
    this.#chosen = undefined;
    this.#offered = new Set();
    if (chosen === undefined || this.now() - chosen.at > SCREEN_CHOICE_TTL_MS) return undefined;
    return chosen.id;
  }
}
