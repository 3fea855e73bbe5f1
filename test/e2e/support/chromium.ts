import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (apt-get install -y chromium); playwright's own browser download needs a network. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Headless Chromium as the browser suites run it; launch() gives it a fresh temporary profile every run. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Debian's Chromium in a container: no sandbox as root, and no background traffic to Google.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
