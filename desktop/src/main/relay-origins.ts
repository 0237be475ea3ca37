import { ParleyError } from '@parley/core';
import { z } from 'zod';
import { readJsonFile, type TextFile } from './files.js';
import { isPlainOrigin, relaySources } from './policy/csp.js';

const MAX_RELAYS = 64;
const fileSchema = z.object({ version: z.literal(1), origins: z.array(z.string()).max(MAX_RELAYS) });

/**
 * The relays the renderer's CSP lets it connect to, kept in userData. The CSP is fixed when a page loads, so
 * adding a relay means a reload (the renderer is told). Each origin is checked by relaySources before it is
 * stored, so the file cannot smuggle anything into the policy; a damaged file counts as empty.
 */
export class RelayOrigins {
  private origins: string[] = [];

  constructor(private readonly file: TextFile) {}

  async load(): Promise<void> {
    const stored = await readJsonFile(this.file, fileSchema);
    this.origins = (stored?.origins ?? []).filter(isPlainOrigin);
  }

  list(): readonly string[] {
    return this.origins;
  }

  /** Throws BAD_REQUEST if any origin is not a plain http(s)/ws(s) origin; returns whether a reload is due. */
  async allow(origins: readonly string[]): Promise<{ reloadRequired: boolean }> {
    const normalised = origins.map((origin) => new URL(relaySources(origin)[0] ?? origin).origin);
    const added = normalised.filter((origin) => !this.origins.includes(origin));
    if (added.length === 0) return { reloadRequired: false };
    const next = [...new Set([...this.origins, ...added])];
    if (next.length > MAX_RELAYS) throw new ParleyError('QUOTA_EXCEEDED', `at most ${MAX_RELAYS} relays`);
    await this.file.write(JSON.stringify({ version: 1, origins: next }));
    this.origins = next;
    return { reloadRequired: true };
  }
}
