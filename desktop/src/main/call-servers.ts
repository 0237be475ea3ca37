import { z } from 'zod';
import { readJsonFile, type TextFile } from './files.js';
import { askCallServer, type CallServerAnswer, type FetchJson } from './policy/call-servers.js';
import { isPlainOrigin } from './policy/csp.js';

const MAX_ENTRIES = 64;
const fileSchema = z.object({
  version: z.literal(1),
  servers: z.record(z.string(), z.string()),
});

/** Each relay with what it said, from `ask`. */
export type RelayAnswers = readonly (readonly [relay: string, answer: CallServerAnswer])[];

/**
 * The call servers (SFUs) the allowed relays announce, for the renderer's CSP, kept in userData by relay.
 * Asking the relays takes a network round trip (seconds for a slow relay), so the window loads with what the
 * last run learned and `refresh` asks again in the background; a server learned then widens the policy from
 * the page's next load. A relay that cannot be reached keeps its last known server, so an offline start does
 * not narrow the policy. Every origin is checked before it is used, so the file cannot smuggle anything in.
 */
export class CallServers {
  private byRelay = new Map<string, string>();

  constructor(
    private readonly file: TextFile,
    private readonly fetchJson: FetchJson,
  ) {}

  async load(): Promise<void> {
    const stored = await readJsonFile(this.file, fileSchema);
    const entries = Object.entries(stored?.servers ?? {}).slice(0, MAX_ENTRIES);
    this.byRelay = new Map(
      entries.filter(([relay, server]) => isPlainOrigin(relay) && isPlainOrigin(server)),
    );
  }

  /** The call servers of these relays, as connect-src origins. */
  list(relayOrigins: readonly string[]): string[] {
    const servers = relayOrigins.flatMap((relay) => this.byRelay.get(relay) ?? []);
    return [...new Set(servers)].sort();
  }

  /** Asks each relay (in parallel) which server it announces now; changes nothing until `apply`. */
  ask(relayOrigins: readonly string[]): Promise<RelayAnswers> {
    return Promise.all(
      relayOrigins.map(async (relay) => [relay, await askCallServer(relay, this.fetchJson)] as const),
    );
  }

  /**
   * Remembers the relays' answers. `widened` when a server of these relays is allowed that was not before: a
   * page loaded earlier cannot reach it until it reloads.
   */
  async apply(answers: RelayAnswers): Promise<{ widened: boolean }> {
    const relays = answers.map(([relay]) => relay);
    const before = new Set(this.list(relays));
    let changed = false;
    for (const [relay, answer] of answers) {
      if (!answer.reached || answer.server === this.byRelay.get(relay)) continue;
      changed = true;
      if (answer.server === undefined) this.byRelay.delete(relay);
      else this.byRelay.set(relay, answer.server);
    }
    if (changed)
      await this.file.write(JSON.stringify({ version: 1, servers: Object.fromEntries(this.byRelay) }));
    return { widened: this.list(relays).some((server) => !before.has(server)) };
  }

  /** ask, then apply. */
  async refresh(relayOrigins: readonly string[]): Promise<{ widened: boolean }> {
    return this.apply(await this.ask(relayOrigins));
  }
}
