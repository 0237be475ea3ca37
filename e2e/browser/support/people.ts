import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS, PERMISSIONS } from './chromium.js';

/**
 * One person: their own Chromium with its own profile folder, so IndexedDB and localStorage persist when
 * they close the browser (`quit`) and come back (`reopen`), exactly like closing the app window.
 */
export class Person {
  #context: BrowserContext | undefined;
  #page: Page | undefined;
  /** Dialogs (alert/confirm/prompt) any page of this person opened; an XSS payload would land here. */
  readonly dialogs: string[] = [];
  /** Content-Security-Policy violations reported in the console (the built page carries a strict CSP). */
  readonly cspViolations: string[] = [];

  private constructor(
    readonly name: string,
    readonly url: string,
    readonly profileDir: string,
    private readonly extraArgs: readonly string[],
  ) {}

  /** `extraArgs`: Chromium flags for this scenario only (e.g. trusting a test proxy's certificate). */
  static async open(name: string, url: string, extraArgs: readonly string[] = []): Promise<Person> {
    const profileDir = await mkdtemp(join(tmpdir(), `parley-${name.toLowerCase()}-`));
    const person = new Person(name, url, profileDir, extraArgs);
    try {
      await person.reopen();
    } catch (error) {
      // Nobody gets this person to close: close the browser and its profile here.
      await person.destroy();
      throw error;
    }
    return person;
  }

  get page(): Page {
    if (this.#page === undefined) throw new Error(`${this.name} has closed their browser`);
    return this.#page;
  }

  /** Starts the browser on the same profile and loads the web client. */
  async reopen(): Promise<Page> {
    this.#context = await chromium.launchPersistentContext(this.profileDir, {
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS, ...this.extraArgs],
      viewport: { width: 1100, height: 760 },
      locale: 'en-GB',
      permissions: PERMISSIONS,
    });
    const page = this.#context.pages()[0] ?? (await this.#context.newPage());
    page.on('dialog', (dialog) => {
      this.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => console.error(`[${this.name}] page error:`, error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && message.text().includes('Content Security Policy'))
        this.cspViolations.push(message.text());
    });
    await page.goto(this.url);
    this.#page = page;
    return page;
  }

  /** Closes the browser entirely (every page, the renderer's IndexedDB connections, sockets). */
  async quit(): Promise<void> {
    // The page first, as closing a window does: its connections close (a direct link's peer hears it at once)
    // instead of going silent with the process.
    await this.#page?.close();
    await this.#context?.close();
    this.#context = undefined;
    this.#page = undefined;
  }

  async destroy(): Promise<void> {
    await this.quit();
    await rm(this.profileDir, { recursive: true, force: true });
  }
}

/** One Person per name, in the names' order (a tuple when the names are). */
export type PeopleNamed<Names extends readonly string[]> = { -readonly [K in keyof Names]: Person };

/** Opens named people (the `people` fixture's shape): one Person per name, in order. */
export type OpenPeople = <const Names extends readonly string[]>(
  ...names: Names
) => Promise<PeopleNamed<Names>>;

/**
 * Opens one Person per name, all at once, and checks each opened: if any did not, closes those that did and
 * fails naming who did not and why, so a scenario never goes on with someone missing.
 */
export async function openPeople<const Names extends readonly string[]>(
  names: Names,
  url: string,
  extraArgs: readonly string[] = [],
): Promise<PeopleNamed<Names>> {
  const results = await Promise.allSettled(names.map((name) => Person.open(name, url, extraArgs)));
  const opened = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const missing = names.filter((_, index) => results[index]?.status !== 'fulfilled');
  if (missing.length > 0) {
    await Promise.all(opened.map((person) => person.destroy()));
    const reasons = results.flatMap((result) =>
      result.status === 'rejected' ? [String(result.reason)] : [],
    );
    throw new Error(`${missing.join(', ')} did not open:\n${reasons.join('\n')}`);
  }
  return opened as unknown as PeopleNamed<Names>; // one Person per name, in order (checked above)
}
