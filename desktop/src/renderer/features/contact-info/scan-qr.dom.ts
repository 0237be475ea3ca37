import jsQR from 'jsqr';
import { withImageBitmap } from '../../ui/image-file.dom.js';

/** The raw bytes of the QR code in a picture (a screenshot or photo of the contact's safety-number code). */
export async function readQrBytes(file: File): Promise<Uint8Array> {
  return withImageBitmap(file, 'Choose a picture of the code (PNG, JPEG…)', (bitmap) => {
    const canvas = document.createElement('canvas');
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('This browser cannot read images');
    context.drawImage(bitmap, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    const code = jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: 'attemptBoth' });
    if (code === null) throw new Error('No QR code found in that picture');
    return Uint8Array.from(code.binaryData);
  });
}
