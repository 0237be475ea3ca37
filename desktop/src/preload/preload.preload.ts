/**
 * The preload: runs sandboxed with context isolation, and only exposes Parley's typed API as
 * `window.parley`. No ipcRenderer, no Node, no generic send/invoke reaches the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createParleyApi } from './api.js';

contextBridge.exposeInMainWorld('parley', createParleyApi(ipcRenderer));
