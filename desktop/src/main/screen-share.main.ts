import { desktopCapturer, type Session } from 'electron';
import type { ScreenSource } from '../ipc/channels.js';
import { APP_ORIGIN } from './constants.js';
import { isAppUrl } from './policy/origin.js';
import { ScreenChoice } from './policy/screen-choice.js';

/**
 * Screen sharing in calls: Electron's getDisplayMedia has no picker, so the renderer draws one from
 * `listSources()` and names the pick (`choose`); the session's display-media handler then gives exactly
 * that source to the app's own top-level page, once (policy/screen-choice.ts), and refuses anything else.
 */
export class ScreenShare {
  readonly #choice = new ScreenChoice(() => Date.now());
  #names = new Map<string, string>();

  constructor(session: Session) {
    session.setDisplayMediaRequestHandler((request, callback) => {
      const frame = request.frame;
      const fromApp = frame !== null && frame.parent === null && isAppUrl(frame.url, APP_ORIGIN);
      const id = this.#choice.take();
      const name = id === undefined ? undefined : this.#names.get(id);
      if (!fromApp || !request.videoRequested || id === undefined || name === undefined) {
        callback(null);
        return;
      }
      callback({ video: { id, name } });
    });
  }

  async listSources(): Promise<ScreenSource[]> {
    const sources = await desktopCapturer.getSources({
      types: ['screen', 'window'],
      thumbnailSize: { width: 320, height: 180 },
    });
    const listed = sources.slice(0, 64).map((source) => ({
      id: source.id,
      name: source.name.slice(0, 256),
      kind: source.id.startsWith('screen:') ? ('screen' as const) : ('window' as const),
      thumbnail: source.thumbnail.toDataURL(),
    }));
    this.#names = new Map(listed.map((source) => [source.id, source.name]));
    this.#choice.offer(listed.map((source) => source.id));
    return listed;
  }

  choose(id: string): boolean {
    return this.#choice.choose(id);
  }
}
