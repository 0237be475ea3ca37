import { describe, expect, it } from 'vitest';
import { SCREEN_CHOICE_TTL_MS, ScreenChoice } from './screen-choice.js';

describe('the screen a call shares', () => {
  it('gives a display-media request the source the person picked from the list, once', () => {
    let now = 0;
    const choice = new ScreenChoice(() => now);
    choice.offer(['screen:0:0', 'window:42:0']);
    expect(choice.choose('window:42:0')).toBe(true);
    now += 1000;
    expect(choice.take()).toBe('window:42:0');
    expect(choice.take()).toBeUndefined();
  });

  it('refuses a source main did not offer, so a page cannot name a screen of its own', () => {
    const choice = new ScreenChoice(() => 0);
    choice.offer(['screen:0:0']);
    expect(choice.choose('screen:1:0')).toBe(false);
    expect(choice.take()).toBeUndefined();
    // A list is used up by a request: an old id cannot be picked again without a new list.
    choice.offer(['screen:0:0']);
    choice.take();
    expect(choice.choose('screen:0:0')).toBe(false);
  });

  it('forgets a pick nobody used in time', () => {
    let now = 0;
    const choice = new ScreenChoice(() => now);
    choice.offer(['screen:0:0']);
    choice.choose('screen:0:0');
    now += SCREEN_CHOICE_TTL_MS + 1;
    expect(choice.take()).toBeUndefined();
  });
});
