import { ParleyError } from '../../errors/index.js';
import { fromBase64Url, toBase64Url } from '../../protocol/encoding.js';
import type { Contact } from '../../storage/index.js';
import { isAccepted } from '../contacts/contact-requests.js';
import { PRIMARY_DEVICE, directConversationId } from '../shared/addresses.js';
import type { ContentBody } from '../messaging/content.js';
import type { EngineContext } from '../context.js';
import type { EngineStateStore } from '../shared/state-store.js';
import { MAX_AVATAR_BYTES, MAX_DISPLAY_NAME_LENGTH } from './profile-limits.js';

/** What contacts see of this account: a display name and an optional small avatar image. */
export interface Profile {
  readonly displayName: string;
  /** Image bytes (PNG, JPEG, WebP…), at most MAX_AVATAR_BYTES: the UI scales it down before. */
  readonly avatar?: Uint8Array;
}

export { MAX_AVATAR_BYTES, MAX_DISPLAY_NAME_LENGTH };

const PROFILE_KEY = 'profile';

type ProfileBody = Extract<ContentBody, { type: 'profile' }>;

/** Checks a profile the user entered; throws BAD_REQUEST or PAYLOAD_TOO_LARGE saying what is wrong. */
export function parseProfile(input: Profile): Profile {
  if (typeof input !== 'object' || input === null)
    throw new ParleyError('BAD_REQUEST', 'a profile is an object');
  const displayName = typeof input.displayName === 'string' ? input.displayName.trim() : '';
  if (displayName.length === 0) throw new ParleyError('BAD_REQUEST', 'the display name is empty');
  if (displayName.length > MAX_DISPLAY_NAME_LENGTH) {
    throw new ParleyError(
      'BAD_REQUEST',
      `the display name is longer than ${MAX_DISPLAY_NAME_LENGTH} characters`,
    );
  }
  const { avatar } = input;
  if (avatar === undefined) return { displayName };
  if (!(avatar instanceof Uint8Array)) throw new ParleyError('BAD_REQUEST', 'the avatar is image bytes');
  if (avatar.length === 0) throw new ParleyError('BAD_REQUEST', 'the avatar is empty');
  if (avatar.length > MAX_AVATAR_BYTES) {
    throw new ParleyError(
      'PAYLOAD_TOO_LARGE',
      `the avatar is ${avatar.length} bytes; at most ${MAX_AVATAR_BYTES} (scale the image down)`,
    );
  }
  return { displayName, avatar: avatar.slice() };
}

export async function loadProfile(state: EngineStateStore): Promise<Profile | undefined> {
  const value = (await state.get(PROFILE_KEY)) as { displayName?: unknown; avatar?: unknown } | undefined;
  if (typeof value?.displayName !== 'string') return undefined;
  return {
    displayName: value.displayName,
    ...(typeof value.avatar === 'string' ? { avatar: fromBase64Url(value.avatar) } : {}),
  };
}

export async function saveProfile(state: EngineStateStore, profile: Profile): Promise<void> {
  await state.put(PROFILE_KEY, profileBodyFields(profile));
}

function profileBodyFields(profile: Profile): { displayName: string; avatar?: string } {
  return {
    displayName: profile.displayName,
    ...(profile.avatar === undefined ? {} : { avatar: toBase64Url(profile.avatar) }),
  };
}

export function profileBody(profile: Profile): ProfileBody {
  return { type: 'profile', ...profileBodyFields(profile) };
}

/** Sends our profile to these contacts (every device), as one end-to-end encrypted control message. */
export async function sendProfile(
  ctx: EngineContext,
  profile: Profile,
  contacts: readonly Contact[],
): Promise<void> {
  const recipients = contacts.filter(isAccepted).flatMap((contact) =>
    (contact.deviceIds.length === 0 ? [PRIMARY_DEVICE] : contact.deviceIds).map((deviceId) => ({
      name: contact.account,
      deviceId,
    })),
  );
  if (recipients.length === 0) return;
  await ctx.sendControl(recipients, profileBody(profile));
}

/**
 * A contact's profile message: its stored display name and avatar change (and its conversation's title);
 * 'contact-updated' reports it. A profile that changes nothing is not reported.
 */
export async function applyProfile(ctx: EngineContext, account: string, body: ProfileBody): Promise<void> {
  let avatar: Uint8Array | undefined;
  if (body.avatar !== undefined) {
    try {
      avatar = fromBase64Url(body.avatar);
    } catch (cause) {
      throw new ParleyError('BAD_REQUEST', 'profile avatar is not base64url', { cause });
    }
    if (avatar.length > MAX_AVATAR_BYTES)
      throw new ParleyError('PAYLOAD_TOO_LARGE', 'profile avatar too large');
  }
  const existing = await ctx.db.contacts.get(account);
  if (existing === undefined) return;
  const { avatar: _old, ...rest } = existing;
  const contact: Contact = {
    ...rest,
    displayName: body.displayName,
    ...(avatar === undefined ? {} : { avatar }),
  };
  const same =
    existing.displayName === contact.displayName &&
    toBase64Url(existing.avatar ?? new Uint8Array()) === toBase64Url(avatar ?? new Uint8Array());
  if (same) return;
  await ctx.db.contacts.put(contact);
  const conversationId = directConversationId(account);
  await ctx.db.conversations.update(conversationId, (conversation) => ({
    ...conversation,
    title: contact.displayName,
  }));
  ctx.emit('contact-updated', contact);
}
