/** Types group calls share with the event map (no imports, so nothing cycles through here). */

/** A group's call that is running, as far as this device has heard (what the "Join" banner shows). */
export interface GroupCallActivity {
  readonly groupId: string;
  readonly callId: string;
  /** The member who started it (joined the empty room). */
  readonly startedBy: string;
  readonly startedAt: number;
  /**
   * When this device last heard the call is running (its start, or a participant's heartbeat), by this
   * device's clock. A call not heard of for GROUP_CALL_NOTICE_TTL_MS is shown as over.
   */
  readonly lastHeardAt: number;
}

/** A group call's notice: the body of a `group-call` control message, or our own. */
export interface GroupCallNotice {
  /** `alive`: a participant's heartbeat, sent every GROUP_CALL_HEARTBEAT_MS while it is in the call. */
  readonly event: 'started' | 'alive' | 'ended';
  readonly callId: string;
  readonly startedAt: number;
}

/** The log line a group call leaves in the group's conversation (message `kind: 'group-call'`). */
export interface GroupCallLogEntry {
  readonly callId: string;
  readonly startedBy: string;
  readonly startedAt: number;
  readonly endedAt: number;
}
