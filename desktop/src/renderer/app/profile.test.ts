import { describe, expect, it } from 'vitest';
import { clearProfile, loadProfile, normaliseRelayUrl, saveProfile } from './profile.js';
import { conversationFromHash, hashForConversation } from './navigation.js';

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

describe('profile', () => {
  it('remembers the name, relay and picture, and forgets them', () => {
    const storage = memoryStorage();
    expect(loadProfile(storage)).toBeUndefined();
    const profile = {
      displayName: 'Zoë',
      relayUrl: 'https://relay.example',
      avatar: 'data:image/jpeg;base64,AA',
      createdAt: 5,
    };
    saveProfile(storage, profile);
    expect(loadProfile(storage)).toEqual(profile);
    clearProfile(storage);
    expect(loadProfile(storage)).toBeUndefined();
  });

  it('ignores a damaged record and a picture that is not an image data URL', () => {
    const storage = memoryStorage();
    storage.setItem('parley.profile.v1', '{not json');
    expect(loadProfile(storage)).toBeUndefined();
    storage.setItem(
      'parley.profile.v1',
      JSON.stringify({
        displayName: 'A',
        relayUrl: 'https://r',
        avatar: 'javascript:alert(1)',
        createdAt: 1,
      }),
    );
    expect(loadProfile(storage)).toEqual({ displayName: 'A', relayUrl: 'https://r', createdAt: 1 });
  });

  it('accepts a relay as an http(s) origin and says what is wrong otherwise', () => {
    expect(normaliseRelayUrl(' https://relay.example/some/path ')).toBe('https://relay.example');
    expect(normaliseRelayUrl('http://127.0.0.1:7777')).toBe('http://127.0.0.1:7777');
    expect(() => normaliseRelayUrl('relay.example')).toThrow(/full address/u);
    expect(() => normaliseRelayUrl('ftp://relay.example')).toThrow(/https:\/\//u);
    expect(() => normaliseRelayUrl('https://user:pw@relay.example')).toThrow(/password/u);
  });
});

describe('navigation', () => {
  it('keeps the open conversation in the URL hash, whatever characters its id has', () => {
    const id = 'direct:abc/+=?#';
    expect(conversationFromHash(hashForConversation(id))).toBe(id);
    expect(hashForConversation(undefined)).toBe('#/');
    expect(conversationFromHash('#/')).toBeUndefined();
    expect(conversationFromHash('#/chat/%E0%A4%A')).toBeUndefined();
  });
});
