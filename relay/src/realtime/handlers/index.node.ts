import type { OtpSender } from '../../auth/otp-sender.node.js';
import type { RelayContext } from '../../context.js';
import { auth, otpRequest, turnRefresh } from './auth.node.js';
import { ackBlobs, ackNotices, depositBlob, recallBlob } from './blobs.node.js';
import { fetchDeviceList, publishDeviceList } from './devices.node.js';
import { fetchPreKeys, publishPreKeys, resolveUsername, setUsername } from './directory.node.js';
import { setVisibility, subscribePresence } from './presence.node.js';
import { sfuToken } from './sfu.node.js';
import { signal, typing } from './signalling.node.js';
import type { HandlerTable } from './types.js';

/** Every client event and its handler; the type makes a missing entry a compile error. */
export function handlerTable(otpSender: OtpSender, ctx: RelayContext): HandlerTable {
  return {
    auth,
    'otp:request': otpRequest(otpSender),
    'prekeys:publish': publishPreKeys,
    'prekeys:fetch': fetchPreKeys(ctx),
    'devices:publish': publishDeviceList,
    'devices:fetch': fetchDeviceList,
    'username:set': setUsername,
    'username:resolve': resolveUsername,
    'turn:refresh': turnRefresh,
    signal,
    typing,
    'presence:visibility': setVisibility,
    'presence:subscribe': subscribePresence,
    'blob:deposit': depositBlob,
    'blob:ack': ackBlobs,
    'blob:recall': recallBlob,
    'notice:ack': ackNotices,
    'sfu:token': sfuToken,
  };
}
