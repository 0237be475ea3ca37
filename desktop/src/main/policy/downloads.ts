import path from 'node:path';
import { isAppUrl } from './origin.js';

/*
 * "Show in folder" for a file message: the renderer hands the file's bytes to Chromium as a download of a
 * blob: URL it made (the same as "Save" in a browser), and main saves it in the Downloads folder and shows it
 * there. What main acts on comes from the renderer, so it is checked here: only the app's own blob: URLs are
 * saved (a page that got into a frame, or a link to the web, downloads nothing), and the file name a message
 * carried (chosen by whoever sent it) never names a folder, a hidden file or a device.
 */

/** A download the app's own page made from its own bytes: `blob:app://parley/<uuid>`, nothing else. */
export function isAppBlobDownload(url: string, appOrigin: string): boolean {
  if (!url.startsWith('blob:')) return false;
  return isAppUrl(url.slice('blob:'.length), appOrigin);
}

const WINDOWS_DEVICES = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/iu;
const MAX_NAME = 180;

/**
 * A file name safe to create in the Downloads folder on every desktop OS: no separators or control
 * characters, no characters Windows refuses, not hidden, not `.`/`..`, not a Windows device, at most 180
 * characters keeping the extension.
 */
export function safeFileName(suggested: string): string {
  let name = suggested
    // eslint-disable-next-line no-control-regex -- control characters are what this removes
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/gu, '_')
    .replace(/^[.\s]+/u, '')
    .replace(/[.\s]+$/u, '');
  if (name === '' || WINDOWS_DEVICES.test(name)) name = `file${name === '' ? '' : `-${name}`}`;
  if (name.length > MAX_NAME) {
    const extension = path.extname(name).slice(0, 16);
    name = name.slice(0, MAX_NAME - extension.length) + extension;
  }
  return name;
}

/** `folder/name`, or `folder/name (2).ext`… when that exists: a saved file never replaces another. */
export function uniqueTarget(folder: string, name: string, exists: (file: string) => boolean): string {
  const extension = path.extname(name);
  const stem = name.slice(0, name.length - extension.length);
  for (let n = 1; ; n += 1) {
    const candidate = path.join(folder, n === 1 ? name : `${stem} (${n})${extension}`);
    if (!exists(candidate)) return candidate;
  }
}
