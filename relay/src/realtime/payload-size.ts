/**
 * A cheap upper-bound walk of a decoded payload: string lengths, binary byte lengths and a few bytes per
 * key and number. It stops as soon as `limit` or the nesting depth is passed, so an oversized or deeply
 * nested payload costs no more than the limit to reject, before the schema ever sees it.
 * Returns true when the payload fits.
 */
export function payloadFits(value: unknown, limit: number, maxDepth = 16): boolean {
  return remainingAfter(value, limit, maxDepth) >= 0;
}

/** The budget left after `node`, or -1 once it is exhausted or too deep (module-level: this is the hot path). */
function remainingAfter(node: unknown, budget: number, depthLeft: number): number {
  if (depthLeft < 0) return -1;
  if (typeof node === 'string') return budget - node.length - 2;
  if (node instanceof Uint8Array || node instanceof ArrayBuffer) return budget - node.byteLength;
  if (Array.isArray(node)) {
    let left = budget - 2;
    for (const item of node) {
      left = remainingAfter(item, left, depthLeft - 1);
      if (left < 0) return -1;
    }
    return left;
  }
  if (node !== null && typeof node === 'object') {
    let left = budget - 2;
    for (const key of Object.keys(node)) {
      left = remainingAfter((node as Record<string, unknown>)[key], left - key.length - 3, depthLeft - 1);
      if (left < 0) return -1;
    }
    return left;
  }
  return budget - 8;
}
