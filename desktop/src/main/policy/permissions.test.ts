import { describe, expect, it } from 'vitest';
import { permissionDecision } from './permissions.js';

const APP = 'app://parley';
const fromApp = { requestingUrl: 'app://parley/index.html', isMainFrame: true };

describe('permission policy', () => {
  it('grants camera and microphone, notifications and clipboard writes to the app', () => {
    expect(permissionDecision({ ...fromApp, permission: 'media', mediaTypes: ['audio', 'video'] }, APP)).toBe(
      'grant',
    );
    expect(permissionDecision({ ...fromApp, permission: 'media' }, APP)).toBe('grant');
    expect(permissionDecision({ ...fromApp, permission: 'notifications' }, APP)).toBe('grant');
    expect(permissionDecision({ ...fromApp, permission: 'clipboard-sanitized-write' }, APP)).toBe('grant');
  });

  it('denies a permission asked for by an iframe, even one claiming the app origin', () => {
    expect(permissionDecision({ ...fromApp, isMainFrame: false, permission: 'media' }, APP)).toBe('deny');
    expect(
      permissionDecision(
        { requestingUrl: 'https://ads.example/', isMainFrame: false, permission: 'notifications' },
        APP,
      ),
    ).toBe('deny');
  });

  it.each(['https://app.example.evil.com/', 'app://parley.evil/', 'file:///index.html', 'null', ''])(
    'denies a request from %s',
    (requestingUrl) => {
      expect(permissionDecision({ requestingUrl, isMainFrame: true, permission: 'media' }, APP)).toBe('deny');
    },
  );

  it('denies a request that does not say where it came from', () => {
    expect(
      permissionDecision({ requestingUrl: undefined, isMainFrame: true, permission: 'notifications' }, APP),
    ).toBe('deny');
  });

  it.each([
    'geolocation',
    'midi',
    'midiSysex',
    'usb',
    'serial',
    'hid',
    'display-capture',
    'openExternal',
    'pointerLock',
    'clipboard-read',
  ])('denies %s even to the app', (permission) => {
    expect(permissionDecision({ ...fromApp, permission }, APP)).toBe('deny');
  });

  it('denies media requests for anything but audio and video', () => {
    expect(
      permissionDecision({ ...fromApp, permission: 'media', mediaTypes: ['audio', 'screen'] }, APP),
    ).toBe('deny');
  });
});
