/**
 * Collects items added in one turn of the event loop and hands them over together (at most `max` per call),
 * once the current microtasks have run. The engine acknowledges relay blobs and delivery notices this way:
 * the acknowledgement of a stored blob must not wait for the next one, and one request for a burst costs
 * the client one socket write instead of one per blob.
 */
export function microBatch<T>(max: number, flush: (items: T[]) => void): (item: T) => void {
  let waiting: T[] = [];
  return (item) => {
    waiting.push(item);
    if (waiting.length > 1) return;
    queueMicrotask(() => {
      const items = waiting;
      waiting = [];
      for (let start = 0; start < items.length; start += max) flush(items.slice(start, start + max));
    });
  };
}
