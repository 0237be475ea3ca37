import { hmac, type _HMAC } from '@noble/hashes/hmac.js';
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
 * Prefix search over keyed hashes: each token is indexed whole and by its prefixes of these lengths (when it is
 * longer). A query term is looked up by the longest of these prefixes it has (or whole, when shorter than the
 * first), and hits are checked against the decrypted text unless the term's length is one of them. A few
 * fixed lengths rather than every prefix keep the index about 2.5 entries per word instead of 6.
 */
export const PREFIX_LENGTHS = [3, 5, 8] as const;

/**
 * Scripts written without spaces: a token there is a whole phrase and one or two characters are a word, so
 * every prefix up to the longest indexed length is indexed, and such a query term is looked up as it is.
 */
const UNSPACED =
  /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const LONGEST_PREFIX = PREFIX_LENGTHS[PREFIX_LENGTHS.length - 1] ?? 8;

function prefixLengths(term: string, length: number): number[] {
  if (UNSPACED.test(term)) return Array.from({ length: Math.min(length, LONGEST_PREFIX) }, (_, i) => i + 1);
  return PREFIX_LENGTHS.filter((prefix) => prefix <= length);
}

/** HMAC-SHA-256 with its key absorbed (noble's incremental HMAC). */
type Keyed = _HMAC<ReturnType<typeof sha256.create>>;

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
  #sealKey!: Uint8Array;
  #index!: Keyed;
  /** Reused for every term: the keyed state is copied into it, so hashing a term allocates nothing. */
  #scratch: Keyed | undefined;
  readonly #digest = new Uint8Array(32);

  constructor(contentKey: Uint8Array) {
    this.rekey(contentKey);
  }

  /**
   * Switches to another content key. Only a backup restored into a fresh database needs it: its rows are
   * sealed under the source database's content key, which the restore brings along.
   */
  rekey(contentKey: Uint8Array): void {
    if (contentKey.length !== 32) throw new ParleyError('INVALID_KEY', 'content key must be 32 bytes');
    const hash = sha512Hash(tweetnaclBackend);
    this.#sealKey = hkdf(hash, contentKey, new Uint8Array(0), LABEL_CONTENT, 32);
    this.#index = hmac.create(sha256, hkdf(hash, contentKey, new Uint8Array(0), LABEL_SEARCH, 32)) as Keyed;
    this.#scratch = undefined;
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
    const scratch = this.#index._cloneInto(this.#scratch);
    this.#scratch = scratch;
    scratch.update(utf8(term)).digestInto(this.#digest);
    return toBase64Url(this.#digest.subarray(0, TOKEN_HASH_LENGTH));
  }

  /** Index entries of a text: keyed hashes of every token and of its prefixes (see PREFIX_LENGTHS). */
  indexTerms(text: string): string[] {
    const terms = new Set<string>();
    for (const token of tokenize(text)) {
      const points = Array.from(token);
      terms.add(token);
      for (const length of prefixLengths(token, points.length - 1)) {
        terms.add(points.slice(0, length).join(''));
      }
    }
    return [...terms].map((term) => this.term(term));
  }

  /**
   * What to look up for a query term: a term shorter than the shortest prefix matches whole words only;
   * longer, its longest indexed prefix is looked up, and `verify` says whether hits must still be checked
   * against the text (when the term is longer than that prefix).
   */
  queryTerm(term: string): { hash: string; verify: boolean } {
    const points = Array.from(term);
    const prefix = prefixLengths(term, points.length).at(-1) ?? 0;
    if (prefix === 0) return { hash: this.term(term), verify: false };
    return { hash: this.term(points.slice(0, prefix).join('')), verify: prefix < points.length };
  }
}

/** A fresh content key (at the database's first open, or by migration 005). */
export function newContentKey(): Uint8Array {
  return nacl.randomBytes(32);
}
