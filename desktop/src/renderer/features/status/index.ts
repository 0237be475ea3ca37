import type { Feature } from '../../app/extensions.js';
import { lazy } from 'react';
import { StatusStrip } from './StatusStrip.js';

const StatusComposerDialog = lazy(() =>
  import('./StatusComposerDialog.js').then((module) => ({ default: module.StatusComposerDialog })),
);

/** 24-hour statuses: the strip of rings above the chat list, the composer and the full-screen viewer. */
export const statusFeature: Feature = {
  id: 'status',
  sidebarSections: [StatusStrip],
  dialogs: {
    'status-compose': { title: 'Post a status', component: StatusComposerDialog },
  },
};
