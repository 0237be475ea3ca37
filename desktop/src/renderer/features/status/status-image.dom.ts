import { useEffect, useState } from 'react';
import { fromBase64Url } from '@parley/core';
import { withImageBitmap } from '../../ui/image-file.dom.js';

/** What fits in a status message (the engine caps the base64url text at 192 KiB). */
const MAX_BYTES = 140 * 1024;
const ATTEMPTS: readonly (readonly [side: number, quality: number])[] = [
  [1280, 0.82],
  [1080, 0.75],
  [800, 0.7],
  [600, 0.6],
  [400, 0.5],
];

/** A picture chosen for a status, re-encoded as a JPEG small enough to ride inside the status message. */
export async function statusImageBytes(file: File): Promise<Uint8Array> {
  return withImageBitmap(file, 'Choose an image file (JPEG, PNG, WebP…)', async (bitmap) => {
    for (const [side, quality] of ATTEMPTS) {
      const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
      if (blob !== null && blob.size <= MAX_BYTES) return new Uint8Array(await blob.arrayBuffer());
    }
    throw new Error('That image is too detailed to post as a status');
  });
}

/** An object URL for a status image (base64url bytes), revoked when it changes or the component goes. */
export function useStatusImageUrl(image: string | undefined): string | undefined {
  const [url, setUrl] = useState<string | undefined>();
  useEffect(() => {
    if (image === undefined) return setUrl(undefined);
    let created: string | undefined;
    try {
      created = URL.createObjectURL(new Blob([fromBase64Url(image) as Uint8Array<ArrayBuffer>]));
    } catch {
      created = undefined;
    }
    setUrl(created);
    return () => {
      if (created !== undefined) URL.revokeObjectURL(created);
    };
  }, [image]);
  return url;
}

/** An object URL for a picked file's preview. */
export function useFileUrl(file: File | undefined): string | undefined {
  const [url, setUrl] = useState<string | undefined>();
  useEffect(() => {
    if (file === undefined) return setUrl(undefined);
    const created = URL.createObjectURL(file);
    setUrl(created);
    return () => URL.revokeObjectURL(created);
  }, [file]);
  return url;
}
