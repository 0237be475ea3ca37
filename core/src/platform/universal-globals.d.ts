/**
 * Globals that exist both in Node ≥ 20 and in browsers. core/ compiles without the DOM and Node type
 * libraries so that nothing platform-specific slips in; these few are declared here instead.
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
declare const crypto: {
  getRandomValues<T extends Uint8Array>(array: T): T;
};
declare function setTimeout(callback: () => void, ms?: number): unknown;
declare function clearTimeout(handle: unknown): void;
