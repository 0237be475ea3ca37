import { Suspense } from 'react';
import { IconButton } from '../../ui/Button.js';
import { Modal } from '../../ui/Modal.js';
import { useNavigation } from '../navigation.js';
import { useRegistry } from '../registry-context.js';

/** Draws the open side panel and the open dialog, whichever features registered them. */
export function SurfaceHost() {
  const { panel, dialog, closePanel, closeDialog } = useNavigation();
  const registry = useRegistry();
  const panelSurface = panel === undefined ? undefined : registry.panel(panel.id);
  const dialogSurface = dialog === undefined ? undefined : registry.dialog(dialog.id);
  return (
    <>
      {panel !== undefined && panelSurface !== undefined && (
        <aside
          className="side-panel"
          aria-label={panelSurface.title}
          onKeyDown={(event) => {
            if (event.key === 'Escape') closePanel();
          }}
        >
          <header className="pane-header">
            <IconButton icon="close" label={`Close ${panelSurface.title}`} onClick={closePanel} />
            <h2>{panelSurface.title}</h2>
          </header>
          <div className="side-panel-body">
            <Suspense fallback={<Loading />}>
              <panelSurface.component params={panel.params} close={closePanel} />
            </Suspense>
          </div>
        </aside>
      )}
      {dialog !== undefined && dialogSurface !== undefined && (
        <Modal title={dialogSurface.title} onClose={closeDialog}>
          <Suspense fallback={<Loading />}>
            <dialogSurface.component params={dialog.params} close={closeDialog} />
          </Suspense>
        </Modal>
      )}
    </>
  );
}

/** While a surface's code loads (features load their heavy panels and dialogs on first use). */
function Loading() {
  return (
    <p className="surface-loading" role="status">
      Loading…
    </p>
  );
}
