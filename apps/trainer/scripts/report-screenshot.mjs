// Makes the README's picture of a report: the top of a report page in headless
// Chromium (Debian's /usr/bin/chromium through playwright-core, a fresh profile).
//   node apps/trainer/scripts/report-screenshot.mjs runs/<name>/report.html apps/trainer/docs/report.png [height]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from '../../../chromium.shared.mjs';

const [page, out, height = '1560'] = process.argv.slice(2);
if (page === undefined || out === undefined) {
  process.stderr.write('usage: node report-screenshot.mjs REPORT.html OUT.png [HEIGHT]\n');
  process.exit(2);
}
const profile = await mkdtemp(path.join(tmpdir(), 'trainkit-screenshot-'));
const context = await launchChromium(profile, {
  viewport: { width: 1200, height: Number(height) },
});
try {
  const tab = await context.newPage();
  await tab.goto(pathToFileURL(path.resolve(page)).href, { waitUntil: 'load' });
  await tab.screenshot({ path: out, fullPage: false });
} finally {
  await context.close();
  await rm(profile, { recursive: true, force: true });
}
