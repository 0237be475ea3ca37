import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import nacl from 'tweetnacl';
import { hkdf, sha512Hash, tweetnaclBackend } from '../crypto/index.js';
import { ParleyError } from '../errors/index.js';
import { toBase64Url, utf8 } from '../protocol/encoding.js';
import { tokenize } from './tokenize.js';

const SEALED_FORMAT = 1;
const NONCE_LENGTH = nacl.secretbox.nonceLength;
/** Bytes of HMAC kept per index entry: collisions at 2⁻⁶⁴ per pair are far below what search cares about. */
const TOKEN_HASH_LENGTH = 12;
/**
 * Prefix search over keyed hashes: every prefix of a token from MIN_PREFIX up to MAX_PREFIX code points is
 * indexed (and the whole token, whatever its length). Shorter query terms match whole words only; longer ones
 * are looked up by their MAX_PREFIX-long prefix and checked against the decrypted text.
 */
export const MIN_PREFIX = 2;
export const MAX_PREFIX = 16;

const LABEL_CONTENT = utf8('parley/storage/content/v1');
const LABEL_SEARCH = utf8('parley/storage/search/v1');

/**
 * User content at rest (message text, captions and file names shown as text, quoted text, outbox payloads):
 * sealed with a key derived from the database's content key, a random 32-byte key kept in `meta` wrapped by
 * the KeyWrapper and unwrapped once per open. Synchronous (tweetnacl), so it runs inside IndexedDB
 * transactions. The search index holds HMAC-SHA-256 values of tokens under a second derived key instead of
 * the tokens, so a stolen database without the key shows neither text nor searchable words.
 */
export class ContentCipher {
  readonly #sealKey: Uint8Array;
  readonly #index: ReturnType<typeof hmac.create>;

  constructor(contentKey: Uint8Array) {
    if (contentKey.length !== 32) throw new ParleyError('INVALID_KEY', 'content key must be 32 bytes');
    const hash = sha512Hash(tweetnaclBackend);
    this.#sealKey = hkdf(hash, contentKey, new Uint8Array(0), LABEL_CONTENT, 32);
    this.#index = hmac.create(sha256, hkdf(hash, contentKey, new Uint8Array(0), LABEL_SEARCH, 32));
  }

  /** format(1) ‖ random nonce(24) ‖ secretbox(bytes). */
  seal(bytes: Uint8Array): Uint8Array {
    const nonce = nacl.randomBytes(NONCE_LENGTH);
    const box = nacl.secretbox(bytes, nonce, this.#sealKey);
    const out = new Uint8Array(1 + NONCE_LENGTH + box.length);
    out[0] = SEALED_FORMAT;
    out.set(nonce, 1);
    out.set(box, 1 + NONCE_LENGTH);
    return out;
  }

  open(sealed: Uint8Array): Uint8Array {
    if (sealed.length < 1 + NONCE_LENGTH + nacl.secretbox.overheadLength || sealed[0] !== SEALED_FORMAT)
      throw new ParleyError('DECRYPT_FAILED', 'stored content has an unknown format');
    const plain = nacl.secretbox.open(
      sealed.subarray(1 + NONCE_LENGTH),
      sealed.subarray(1, 1 + NONCE_LENGTH),
      this.#sealKey,
    );
    if (plain === null)
      throw new ParleyError('DECRYPT_FAILED', 'stored content does not open under this key');
    return plain;
  }

  sealText(text: string): Uint8Array {
    return this.seal(utf8(text));
  }

  openText(sealed: Uint8Array): string {
    return new TextDecoder('utf-8', { fatal: true }).decode(this.open(sealed));
  }

  /** The keyed hash of one index term: base64url of HMAC-SHA-256(searchKey, term), truncated. */
  term(term: string): string {
    return toBase64Url(this.#index.clone().update(utf8(term)).digest().subarray(0, TOKEN_HASH_LENGTH));
  }

  /** Index entries of a text: keyed hashes of every token and of its prefixes (see MIN_PREFIX, MAX_PREFIX). */
  indexTerms(text: string): string[] {
    const terms = new Set<string>();
    for (const token of tokenize(text)) {
      const points = Array.from(token);
      terms.add(token);
      for (let length = MIN_PREFIX; length < points.length && length <= MAX_PREFIX; length++) {
        terms.add(points.slice(0, length).join(''));
      }
    }
    return [...terms].map((term) => this.term(term));
  }

  /** What to look up for a query term, and whether hits must still be checked against the text. */
  queryTerm(term: string): { hash: string; verify: boolean } {
    const points = Array.from(term);
    if (points.length <= MAX_PREFIX) return { hash: this.term(term), verify: false };
    return { hash: this.term(points.slice(0, MAX_PREFIX).join('')), verify: true };
  }
}

/** A fresh content key (at the database's first open, or by migration 005). */
export function newContentKey(): Uint8Array {
  return nacl.randomBytes(32);
}
