import type { BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium, the browser every browser test and script uses. */
export declare const chromiumPath: string;

/** Flags for a quiet, offline, sandbox-free headless run (also as root in CI containers). */
export declare const chromiumArgs: readonly string[];

/**
 * Launches headless Chromium with trainkit's flags and a fresh profile in `profile`.
 * `options` (e.g. `viewport`) are passed on to playwright's `launchPersistentContext`.
 */
export declare function launchChromium(
  profile: string,
  options?: Omit<
    Parameters<typeof chromium.launchPersistentContext>[1],
    'executablePath' | 'headless' | 'args'
  >,
): Promise<BrowserContext>;
