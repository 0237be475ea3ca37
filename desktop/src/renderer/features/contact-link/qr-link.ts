/**
 * The `parley:` contact link a QR code holds (its raw bytes, UTF-8), or a clear error when the code holds
 * something else (a safety number, a web address, random bytes).
 */
export function contactLinkFromQr(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).trim();
  } catch {
    throw new Error('That QR code does not hold a Parley contact link');
  }
  if (!/^parley:\/\/contact\?/iu.test(text))
    throw new Error('That QR code does not hold a Parley contact link');
  return text;
}
