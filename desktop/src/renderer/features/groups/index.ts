import type { Feature } from '../../app/extensions.js';
import { AddMembersDialog } from './AddMembersDialog.js';
import { GroupChangeLine } from './GroupChangeLine.js';
import { GroupConfirmDialog } from './GroupConfirmDialog.js';
import { GroupInfoPanel } from './GroupInfoPanel.js';
import { JoinGroupDialog } from './JoinGroupDialog.js';
import { NewGroupDialog } from './NewGroupDialog.js';
import { useFormerMemberNotice, useGroupHeaderLine } from './former-member.js';
import { GroupInfoButton, NewGroupButton } from './buttons.js';

/**
 * Groups: "New group" and joining by invite link from the chat list; "Group info" from a group's header
 * (name, picture, members and admins, invite link, exit); the engine's group-change lines in the chat.
 */
export const groupsFeature: Feature = {
  id: 'groups',
  sidebarActions: [NewGroupButton],
  conversationHeaderActions: [GroupInfoButton],
  composerNotices: [useFormerMemberNotice],
  headerLines: [useGroupHeaderLine],
  panels: { 'group-info': { title: 'Group info', component: GroupInfoPanel } },
  dialogs: {
    'new-group': { title: 'New group', component: NewGroupDialog },
    'join-group': { title: 'Join a group', component: JoinGroupDialog },
    'group-add-members': { title: 'Add members', component: AddMembersDialog },
    'group-confirm': { title: 'Are you sure?', component: GroupConfirmDialog },
  },
  messageBodies: { system: GroupChangeLine },
};
