// The one way trainkit's tests and scripts start a browser: headless Chromium
// (Debian's /usr/bin/chromium) through playwright-core, with a persistent
// profile in a directory the caller owns (and removes after `context.close()`).
// Plain ESM so that Node scripts (apps/trainer/scripts/*.mjs) can import it as
// well as TypeScript tests (types in chromium.shared.d.mts).
import { chromium } from 'playwright-core';

/** Debian's Chromium, the browser every browser test and script uses. */
export const chromiumPath = '/usr/bin/chromium';

/** Flags for a quiet, offline, sandbox-free headless run (also as root in CI containers). */
export const chromiumArgs = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

/**
 * Launches headless Chromium with trainkit's flags and a fresh profile in `profile`.
 * `options` (e.g. `viewport`) are passed on to playwright's `launchPersistentContext`.
 */
export function launchChromium(profile, options = {}) {
  return chromium.launchPersistentContext(profile, {
    ...options,
    executablePath: chromiumPath,
    headless: true,
    args: [...chromiumArgs],
  });
}
