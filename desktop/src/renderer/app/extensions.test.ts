import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '@parley/core';
import { Registry, messageKind, type Feature } from './extensions.js';

const Nothing = () => null;

describe('feature registry', () => {
  it('collects every feature’s slots in the order the features are listed', () => {
    const First = () => null;
    const Second = () => null;
    const registry = new Registry([
      { id: 'a', sidebarActions: [First], panels: { info: { title: 'Info', component: Nothing } } },
      { id: 'b', sidebarActions: [Second], messageBodies: { file: Nothing } },
    ]);
    expect(registry.sidebarActions).toEqual([First, Second]);
    expect(registry.panel('info')?.title).toBe('Info');
    expect(registry.messageBody('file')).toBe(Nothing);
    expect(registry.messageBody('text')).toBeUndefined();
    expect(registry.dialog('info')).toBeUndefined();
  });

  it('refuses two features with one id, one panel id or one message kind', () => {
    const panel = { title: 'P', component: Nothing };
    const twice = (a: Feature, b: Feature) => () => new Registry([a, b]);
    expect(twice({ id: 'x' }, { id: 'x' })).toThrow(/listed twice/u);
    expect(twice({ id: 'a', panels: { p: panel } }, { id: 'b', panels: { p: panel } })).toThrow(/panel 'p'/u);
    expect(
      twice({ id: 'a', messageBodies: { file: Nothing } }, { id: 'b', messageBodies: { file: Nothing } }),
    ).toThrow(/'file'/u);
  });

  it('tells a deleted message from a file from text', () => {
    const base = { text: 'hi' } as StoredMessage;
    expect(messageKind(base)).toBe('text');
    expect(messageKind({ ...base, attachmentIds: ['f'] })).toBe('file');
    expect(messageKind({ ...base, attachmentIds: ['f'], deletedAt: 1 })).toBe('deleted');
    expect(messageKind({ ...base, kind: 'group-change' })).toBe('system');
    expect(messageKind({ ...base, kind: 'group-call' })).toBe('group-call');
  });
});
