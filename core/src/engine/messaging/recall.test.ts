import { describe, expect, it } from 'vitest';
import { generateIdentity, sign, tweetnaclBackend, type IdentityKeyPair } from '../../crypto/index.js';
import { toBase64Url } from '../../protocol/encoding.js';
import type { RecallReceipt } from '../../protocol/blobs.js';
import { recallReceiptMessage, type RecallReceiptBody } from '../../protocol/signed-messages.js';
import { receiptSignedBy } from './recall.js';

const BOB = 'B'.repeat(43);

function receipt(signer: IdentityKeyPair, change: Partial<RecallReceiptBody> = {}): RecallReceipt {
  const body: RecallReceiptBody = {
    blobId: 'blob-1',
    recalledFor: [BOB],
    deliveredTo: [],
    recalledAt: 1_700_000_000_000,
    relayKey: toBase64Url(signer.identityKey),
    ...change,
  };
  return { ...body, signature: toBase64Url(sign(signer, recallReceiptMessage(body))) };
}

describe('recall receipts', () => {
  const relay = generateIdentity();
  const relayKey = toBase64Url(relay.identityKey);
  const expected = { relayKey, blobId: 'blob-1' };

  it("accepts the relay's own signature over this blob", () => {
    expect(receiptSignedBy(tweetnaclBackend, receipt(relay), expected)).toBe(true);
  });

  it('refuses a receipt signed by another key, even one that names itself as the relay key', () => {
    const forger = generateIdentity();
    expect(receiptSignedBy(tweetnaclBackend, receipt(forger), expected)).toBe(false);
    // The forger's receipt claiming the real relay key: the signature does not verify under it.
    const claimed = { ...receipt(forger), relayKey };
    expect(receiptSignedBy(tweetnaclBackend, claimed, expected)).toBe(false);
  });

  it('refuses a receipt whose lists or blob were changed after signing', () => {
    const genuine = receipt(relay, { recalledFor: [], deliveredTo: [BOB] });
    const edited = { ...genuine, recalledFor: [BOB], deliveredTo: [] };
    expect(receiptSignedBy(tweetnaclBackend, edited, expected)).toBe(false);
    expect(receiptSignedBy(tweetnaclBackend, receipt(relay, { blobId: 'blob-2' }), expected)).toBe(false);
  });

  it('refuses a malformed signature without throwing', () => {
    expect(
      receiptSignedBy(tweetnaclBackend, { ...receipt(relay), signature: 'not-base64url!' }, expected),
    ).toBe(false);
  });
});
