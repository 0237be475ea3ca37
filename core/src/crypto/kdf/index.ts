export { hmac, sha512Hash, type HashFunction } from './hmac.js';
export { hkdf, hkdfExpand, hkdfExtract } from './hkdf.js';
export { KDF_LABELS } from './labels.js';
