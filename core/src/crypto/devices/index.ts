export { signDeviceList, verifyDeviceList, type VerifiedDeviceList } from './device-list.js';
export {
  UNSEEN_DEVICE_DROP_MS,
  acceptDeviceList,
  nextCounter,
  unseenDevices,
  verifyDeviceBundle,
} from './rules.js';
