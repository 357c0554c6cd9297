// Stops the browser tests early, with instructions, when no Chromium is
// installed. Playwright's own browser download is never used.
import { existsSync } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(path)) {
  console.error(`Chromium was not found at ${path}. The browser tests drive a system Chromium.
Install it, then run the tests again:
  Debian or Ubuntu:  sudo apt-get install -y chromium
  Elsewhere:         CHROMIUM_PATH=/path/to/chrome npm test
Do not run "npx playwright install"; the tests do not use Playwright's browser downloads.`);
  process.exit(1);
}
