import nacl from 'tweetnacl';

/** Reproducible "randomness" for tests that compare bytes across runs or backends. Never for real keys. */
export function seededRandomBytes(seed: string): (length: number) => Uint8Array {
  let counter = 0;
  const seedBytes = new TextEncoder().encode(seed);
  return (length) => {
    const out = new Uint8Array(length);
    for (let offset = 0; offset < length; offset += 64) {
      const block = new Uint8Array(seedBytes.length + 4);
      block.set(seedBytes);
      new DataView(block.buffer).setUint32(seedBytes.length, counter++);
      out.set(nacl.hash(block).subarray(0, Math.min(64, length - offset)), offset);
    }
    return out;
  };
}
