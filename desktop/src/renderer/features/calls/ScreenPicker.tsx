import type { ScreenSource } from '../../../ipc/channels.js';
import { useCallStore } from './use-call.dom.js';

/** The app's own screen/window picker (Electron has none): a picture and a name per source. */
export function ScreenPicker({ sources }: { sources: readonly ScreenSource[] }) {
  const store = useCallStore();
  return (
    <div className="call-screen-picker" role="group" aria-label="Choose what to share">
      <ul>
        {sources.map((source) => (
          <li key={source.id}>
            <button type="button" className="call-source" onClick={() => void store.pickScreen(source.id)}>
              <img src={source.thumbnail} alt="" />
              <span>{source.name || (source.kind === 'screen' ? 'Screen' : 'Window')}</span>
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="call-reply" onClick={() => store.cancelScreenPicker()}>
        Cancel
      </button>
    </div>
  );
}
