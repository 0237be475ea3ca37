import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { callScreen, recordPeerConnections } from './call-media.js';
import { groupCallsStraightToSfu } from './test-options.js';
import { addEachOther, conversation, createGroup, onboard, openChat } from './ui.js';

/**
 * Everyone (onboarded) adds everyone, the first creates `group` with the others, and the others open its
 * chat: the group scenarios' (and the group-call bench's) common start before anyone calls.
 */
export async function formGroup(
  everyone: readonly { readonly name: string; readonly page: Page }[],
  group: string,
): Promise<void> {
  const [first, ...others] = everyone;
  if (first === undefined) throw new Error('a group needs someone');
  await addEachOther(everyone);
  await createGroup(
    first.page,
    group,
    others.map((person) => person.name),
  );
  for (const person of others) await openChat(person.page, group);
}

/**
 * The SFU group-call scenarios' common start: everyone onboards (their pages' peer connections recorded, so
 * set any init script before; the call goes straight to the SFU, mesh limit 0), befriends everyone, the first creates `group` with the others and starts its call,
 * the others join from the banner, and every call screen shows everyone's tile. The pages' "group call …"
 * console lines are echoed, named.
 */
export async function everyoneInGroupCall(
  everyone: readonly { readonly name: string; readonly page: Page }[],
  group: string,
): Promise<void> {
  const [host, ...guests] = everyone;
  if (host === undefined) throw new Error('a call needs someone');
  for (const person of everyone) {
    person.page.on('console', (message) => {
      if (message.text().startsWith('group call')) console.log(`[${person.name}] ${message.text()}`);
    });
    await groupCallsStraightToSfu(person.page);
    // Reloads the page: init scripts added before are in place from here on.
    await recordPeerConnections(person.page);
    await onboard(person.page, person.name);
  }
  await formGroup(everyone, group);

  await conversation(host.page, group).getByRole('button', { name: 'Start group call' }).click();
  await expect(callScreen(host.page)).toBeVisible();
  for (const person of guests) {
    const banner = conversation(person.page, group).getByRole('status', { name: 'Group call in progress' });
    await banner.getByRole('button', { name: 'Join' }).click();
    await expect(callScreen(person.page)).toBeVisible();
  }
  for (const person of everyone)
    await expect(callScreen(person.page).getByRole('figure')).toHaveCount(everyone.length, {
      timeout: 120_000,
    });
}
