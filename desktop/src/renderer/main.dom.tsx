// Entry of the web UI. The polyfills come first: simple-peer (loaded by core) needs Buffer and process.
import './platform/polyfills.dom.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { chooseEmojiFont } from './app/emoji-font.dom.js';
import { applyStoredTheme } from './features/settings/theme.dom.js';
import './app/theme.css';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
applyStoredTheme();
void chooseEmojiFont();
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Installable as a PWA when served over http(s) by a relay; Electron's app:// has no service workers.
if ((location.protocol === 'https:' || location.protocol === 'http:') && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('./sw.js').catch(() => undefined);
  });
}
