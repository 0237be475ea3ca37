// relay/: the connections to relays (home and contacts'), access (invite, one-time codes), the prekey
// bundle's publication, TURN grants, the attachment API and the blob inbox. It carries sealed bytes only:
// what arrives goes to messaging/ to be decrypted and stored; nothing here reads a message.
export { AccessService } from './access-service.js';
export {
  ACCESS_ERROR_CODES,
  fetchRelayInfo,
  isAccessError,
  requestOneTimeCode,
  type AccessPolicy,
  type OneTimeCodeRequest,
  type OtpAddress,
  type RelayAccess,
  type RelayInfo,
} from './relay-access.js';
