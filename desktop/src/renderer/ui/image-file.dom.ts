/**
 * Decodes an image file the person picked and lends its bitmap to `use`, closing it afterwards. A file that
 * is not an image is refused with `notImage` (what to pick instead), one the browser cannot decode with a
 * plain sentence: both are shown to the person as they are.
 */
export async function withImageBitmap<T>(
  file: Blob,
  notImage: string,
  use: (bitmap: ImageBitmap) => Promise<T> | T,
): Promise<T> {
  if (!file.type.startsWith('image/')) throw new Error(notImage);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error('That file could not be read as an image');
  }
  try {
    return await use(bitmap);
  } finally {
    bitmap.close();
  }
}
