import type { ComponentType } from 'react';
import type { Conversation, StoredMessage } from '@parley/core';

/**
 * How a feature folder plugs into the shell without editing shared screens. A feature exports one `Feature`
 * and features/index.ts lists it (one line). Every field is optional; the shell renders what is registered,
 * in the order features are listed.
 */

/** What a message is, for choosing the component that draws its body. */
export type MessageKind = 'text' | 'file' | 'deleted' | 'system' | 'call' | 'group-call';

/** Kinds the engine writes itself (group changes, call lines): a centred row, no bubble, menu or ticks. */
export function isEngineLine(kind: MessageKind): boolean {
  return kind === 'system' || kind === 'call' || kind === 'group-call';
}

export interface ConversationSlotProps {
  readonly conversation: Conversation;
}

export interface ComposerSlotProps {
  readonly conversation: Conversation;
  /** Puts text into the composer at the caret (e.g. an emoji or a mention). */
  readonly insertText: (text: string) => void;
}

export type ComposerNoticeHook = (conversation: Conversation) => string | undefined;

export interface MessageBodyProps {
  readonly message: StoredMessage;
  readonly conversation: Conversation;
}

export interface MessageActionProps {
  readonly message: StoredMessage;
  readonly conversation: Conversation;
  /** Closes the per-message menu the action sits in. */
  readonly close: () => void;
}

/** A side panel (right of the conversation, full screen on a phone) or a modal dialog. */
export interface SurfaceProps {
  readonly params: Readonly<Record<string, string>>;
  readonly close: () => void;
}

export interface Surface {
  readonly title: string;
  readonly component: ComponentType<SurfaceProps>;
}

export interface Feature {
  readonly id: string;
  /** Buttons in the conversation header, left of the menu (contact info, group info, call…). */
  readonly conversationHeaderActions?: readonly ComponentType<ConversationSlotProps>[];
  /** Buttons beside the composer's emoji button (attach a file, record a voice message…). */
  readonly composerActions?: readonly ComponentType<ComposerSlotProps>[];
  /** Drop targets or paste handlers that wrap the conversation: receive the conversation and render null. */
  readonly conversationServices?: readonly ComponentType<ConversationSlotProps>[];
  /**
   * Why this conversation cannot be written to now (a removed group member): React hooks, called on every
   * render of the open conversation in a fixed order. The first sentence returned replaces the composer.
   */
  readonly composerNotices?: readonly ComposerNoticeHook[];
  /**
   * Message bodies by kind; 'text' and 'deleted' are built in, a feature may take over 'file'. 'system'
   * 'call' and 'group-call' draw the engine's own lines (group changes, call-log lines) as a centred row without bubble, menu or ticks.
   */
  readonly messageBodies?: Partial<Record<MessageKind, ComponentType<MessageBodyProps>>>;
  /** Extra entries in a message's menu (after reply/react/edit/delete). */
  readonly messageActions?: readonly ComponentType<MessageActionProps>[];
  /** Buttons in the chat list's header (new group, status, settings…). */
  readonly sidebarActions?: readonly ComponentType[];
  /** Strips above the chat list (e.g. statuses with rings). */
  readonly sidebarSections?: readonly ComponentType[];
  /** Side panels by id, opened with `useNavigation().openPanel(id, params)`. */
  readonly panels?: Readonly<Record<string, Surface>>;
  /** Modal dialogs by id, opened with `useNavigation().openDialog(id, params)`. */
  readonly dialogs?: Readonly<Record<string, Surface>>;
  /** Mounted once while the client runs (notifications, unread badge…): subscribe to events, render null. */
  readonly services?: readonly ComponentType[];
}

export function messageKind(message: StoredMessage): MessageKind {
  // A line the engine wrote (a group change, a call): a centred system row, not a bubble.
  if (message.kind === 'call') return 'call';
  if (message.kind === 'group-call') return 'group-call';
  if (message.kind !== undefined) return 'system';
  if (message.deletedAt !== undefined) return 'deleted';
  if (message.attachmentIds !== undefined && message.attachmentIds.length > 0) return 'file';
  return 'text';
}

/** The registered features merged into lookups; built once from features/index.ts. */
export class Registry {
  readonly conversationHeaderActions: readonly ComponentType<ConversationSlotProps>[];
  readonly composerActions: readonly ComponentType<ComposerSlotProps>[];
  readonly conversationServices: readonly ComponentType<ConversationSlotProps>[];
  readonly composerNotices: readonly ComposerNoticeHook[];
  readonly messageActions: readonly ComponentType<MessageActionProps>[];
  readonly sidebarActions: readonly ComponentType[];
  readonly sidebarSections: readonly ComponentType[];
  readonly services: readonly ComponentType[];
  readonly #bodies = new Map<MessageKind, ComponentType<MessageBodyProps>>();
  readonly #panels = new Map<string, Surface>();
  readonly #dialogs = new Map<string, Surface>();

  constructor(readonly features: readonly Feature[]) {
    const all = <T>(pick: (feature: Feature) => readonly T[] | undefined): T[] =>
      features.flatMap((feature) => pick(feature) ?? []);
    this.conversationHeaderActions = all((f) => f.conversationHeaderActions);
    this.composerActions = all((f) => f.composerActions);
    this.conversationServices = all((f) => f.conversationServices);
    this.composerNotices = all((f) => f.composerNotices);
    this.messageActions = all((f) => f.messageActions);
    this.sidebarActions = all((f) => f.sidebarActions);
    this.sidebarSections = all((f) => f.sidebarSections);
    this.services = all((f) => f.services);
    const ids = new Set<string>();
    for (const feature of features) {
      if (ids.has(feature.id)) throw new Error(`feature ${feature.id} is listed twice`);
      ids.add(feature.id);
      for (const [kind, body] of Object.entries(feature.messageBodies ?? {}) as [
        MessageKind,
        ComponentType<MessageBodyProps>,
      ][]) {
        if (this.#bodies.has(kind)) throw new Error(`two features draw '${kind}' messages`);
        this.#bodies.set(kind, body);
      }
      for (const [id, surface] of Object.entries(feature.panels ?? {})) {
        if (this.#panels.has(id)) throw new Error(`panel '${id}' is registered twice`);
        this.#panels.set(id, surface);
      }
      for (const [id, surface] of Object.entries(feature.dialogs ?? {})) {
        if (this.#dialogs.has(id)) throw new Error(`dialog '${id}' is registered twice`);
        this.#dialogs.set(id, surface);
      }
    }
  }

  messageBody(kind: MessageKind): ComponentType<MessageBodyProps> | undefined {
    return this.#bodies.get(kind);
  }

  panel(id: string): Surface | undefined {
    return this.#panels.get(id);
  }

  dialog(id: string): Surface | undefined {
    return this.#dialogs.get(id);
  }
}
