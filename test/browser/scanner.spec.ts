import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  type APIRequestContext,
  type Browser,
  expect,
  type Page,
  test,
} from '@playwright/test';

import { readRequest } from '../../src/protocol/agent-xml.js';
import {
  cameraUse,
  type CodeLook,
  launchWithCamera,
  recordCameraStreams,
  releaseCamera,
  writeCameraClip,
  writeChangedImage,
  writeQrImage,
} from './fake-camera.js';
import {
  createUser,
  issueCode,
  readUser,
  SITE_ID,
  waitForServiceWorker,
} from './swivel-server.js';

const PHOTOS = join(import.meta.dirname, '..', 'fixtures', 'qr-photos');

/** A browser whose fake camera shows a QR code. */
interface CameraBrowser {
  readonly browser: Browser;
  readonly page: Page;
}

/** The clip's look, and whether camera requests wait for `releaseCamera`. */
interface CameraOptions extends CodeLook {
  readonly hold?: boolean;
}

/** Opens a page in a browser whose fake camera shows the QR code of `text`. */
async function openWithCamera(
  baseURL: string | undefined,
  text: string,
  options: CameraOptions = {},
): Promise<CameraBrowser> {
  const clip = test.info().outputPath('camera.y4m');
  await writeCameraClip(text, clip, options);
  const browser = await launchWithCamera(clip);
  const page = await browser.newPage({ baseURL });
  await recordCameraStreams(page, options.hold);
  return { browser, page };
}

/** Issues a fresh Activate URL and returns its user and URL. */
async function freshActivateUrl(
  request: APIRequestContext,
): Promise<{ username: string; activateUrl: string }> {
  const { username } = await createUser(request);
  const { activateUrl } = await issueCode(request, username);
  return { username, activateUrl };
}

/** Counts the Agent-XML `provision` requests the page sends. */
function countProvisionRequests(page: Page): () => number {
  let count = 0;
  page.on('request', (sent) => {
    if (!sent.url().endsWith('/AgentXML')) return;
    if (readRequest(sent.postData() ?? '').action === 'provision') count++;
  });
  return () => count;
}

/** Makes the page report itself hidden or visible, as switching apps does. */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((hidden) => {
    Object.defineProperty(document, 'hidden', {
      value: hidden,
      configurable: true,
    });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

/** Picks `path` in the scanner's file chooser, as a user does. */
async function chooseImage(page: Page, path: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose image' }).click();
  await (await chooser).setFiles(path);
}

/** Scans with the camera in a browser whose camera shows a fresh Activate URL. */
async function scanAndProvision(
  request: APIRequestContext,
  baseURL: string | undefined,
  look: CodeLook = {},
): Promise<void> {
  const { username, activateUrl } = await freshActivateUrl(request);
  const { browser, page } = await openWithCamera(baseURL, activateUrl, look);
  try {
    const provisionRequests = countProvisionRequests(page);
    await page.goto('/');

    await page.getByRole('button', { name: 'Scan QR code' }).click();

    await expect(
      page.getByRole('status').filter({
        hasText: `Found an Activate URL for ${username} at Site ID ${SITE_ID}.`,
      }),
    ).toBeAttached();
    await expect(page.getByText('Device Provisioned')).toBeVisible();
    await expect(page.getByTestId('security-string')).toBeVisible();
    expect((await readUser(request, username)).provisioned).toBe(true);
    expect(provisionRequests()).toBe(1);
    expect(await cameraUse(page)).toMatchObject({ streams: 1, live: 0 });
  } finally {
    await browser.close();
  }
}

test('camera scan provisions the device', async ({ request, baseURL }) => {
  await scanAndProvision(request, baseURL);
});

test('camera reads an inverted code', async ({ request, baseURL }) => {
  await scanAndProvision(request, baseURL, { invert: true });
});

test('camera reads a mirrored code', async ({ request, baseURL }) => {
  await scanAndProvision(request, baseURL, { mirror: true });
});

test('close before the stream starts ends it', async ({ baseURL }) => {
  // A code that is not an Activate URL keeps the scanner looking, so only
  // stopping the camera ends its track.
  const camera = await openWithCamera(baseURL, 'Not a link', { hold: true });
  const { page } = camera;
  try {
    await page.goto('/');
    await page.getByRole('button', { name: 'Scan QR code' }).click();
    await expect.poll(async () => (await cameraUse(page)).requests).toBe(1);

    await page.getByRole('button', { name: 'Close scanner' }).click();
    await releaseCamera(page);

    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect.poll(async () => (await cameraUse(page)).streams).toBe(1);
    await expect.poll(async () => (await cameraUse(page)).live).toBe(0);
    await expect(
      page.getByRole('button', { name: 'Scan QR code' }),
    ).toBeVisible();
  } finally {
    await camera.browser.close();
  }
});

test('hidden page stops the camera', async ({ baseURL }) => {
  const { browser, page } = await openWithCamera(baseURL, 'Not a link');
  try {
    await page.goto('/');
    await page.getByRole('button', { name: 'Scan QR code' }).click();
    await expect.poll(async () => (await cameraUse(page)).live).toBe(1);

    await setHidden(page, true);
    await expect.poll(async () => (await cameraUse(page)).live).toBe(0);
    await setHidden(page, false);

    await expect.poll(async () => (await cameraUse(page)).streams).toBe(2);
    await expect.poll(async () => (await cameraUse(page)).live).toBe(1);
  } finally {
    await browser.close();
  }
});

test('link screen offers the scanner', async ({ page }) => {
  await page.goto(`/smc/getsettings/${SITE_ID}`);

  await page.getByRole('button', { name: 'Scan QR code' }).click();

  await expect(
    page.getByRole('dialog', { name: 'Scan QR code' }),
  ).toBeVisible();
});

test('image file provisions the device', async ({ page, request }) => {
  const user = await createUser(request);
  const { activateUrl } = await issueCode(request, user.username);
  const image = test.info().outputPath('code.png');
  await writeQrImage(activateUrl, image);
  await page.goto('/');
  await page.getByRole('button', { name: 'Scan QR code' }).click();

  await chooseImage(page, image);

  await expect(page.getByText('Device Provisioned')).toBeVisible();
  expect((await readUser(request, user.username)).provisioned).toBe(true);
});

test('photo of another code shows what was read', async ({ page }) => {
  const expected = await readFile(join(PHOTOS, 'photo-url.txt'), 'utf8');
  await page.goto('/');
  await page.getByRole('button', { name: 'Scan QR code' }).click();

  await chooseImage(page, join(PHOTOS, 'photo-url.png'));

  const alert = page.getByRole('dialog').getByRole('alert');
  await expect(alert).toContainText('Not an Activate URL');
  await expect(alert.locator('code')).toHaveText(expected.trim());
});

test('light-on-dark photo is read', async ({ page }) => {
  const expected = await readFile(join(PHOTOS, 'photo-url.txt'), 'utf8');
  const inverted = test.info().outputPath('inverted.png');
  await writeChangedImage(join(PHOTOS, 'photo-url.png'), inverted, {
    invert: true,
  });
  await page.goto('/');
  await page.getByRole('button', { name: 'Scan QR code' }).click();

  await chooseImage(page, inverted);

  const alert = page.getByRole('dialog').getByRole('alert');
  await expect(alert.locator('code')).toHaveText(expected.trim());
});

test('decoder loads again after offline', async ({ page, context }) => {
  const expected = await readFile(join(PHOTOS, 'photo-url.txt'), 'utf8');
  await page.goto('/');
  await waitForServiceWorker(page);
  await context.setOffline(true);
  await page.getByRole('button', { name: 'Scan QR code' }).click();
  const dialog = page.getByRole('dialog', { name: 'Scan QR code' });

  await chooseImage(page, join(PHOTOS, 'photo-url.png'));
  await expect(dialog.getByRole('alert')).toContainText(
    'QR decoder not loaded',
  );
  await context.setOffline(false);
  await chooseImage(page, join(PHOTOS, 'photo-url.png'));

  await expect(dialog.getByRole('alert').locator('code')).toHaveText(
    expected.trim(),
  );
});

test('no camera API offers the other ways in', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(navigator, 'mediaDevices', { value: undefined });
  });
  await page.goto('/');

  await page.getByRole('button', { name: 'Scan QR code' }).click();

  const dialog = page.getByRole('dialog', { name: 'Scan QR code' });
  await expect(dialog.getByRole('alert')).toContainText(
    'No camera access in this browser',
  );
  await expect(
    dialog.getByRole('button', { name: 'Choose image' }),
  ).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Paste' })).toBeVisible();
  await expect(
    dialog.getByRole('button', { name: 'Start camera' }),
  ).toHaveCount(0);
});

test('pasted Activate URL provisions the device', async ({ page, request }) => {
  const user = await createUser(request);
  const { activateUrl } = await issueCode(request, user.username);
  await page.goto('/');
  await page.getByRole('button', { name: 'Scan QR code' }).click();
  const dialog = page.getByRole('dialog', { name: 'Scan QR code' });

  await dialog.evaluate((element, text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    element.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true }),
    );
  }, activateUrl);

  await expect(page.getByText('Device Provisioned')).toBeVisible();
});

test('shared link opens the activate screen', async ({ page, request }) => {
  const user = await createUser(request);
  const { activateUrl } = await issueCode(request, user.username);
  const shared = new URLSearchParams({ title: '', text: activateUrl, url: '' });

  await page.goto(`/activate?${shared}`);

  await expect(page.getByTestId('link-username')).toHaveText(user.username);
});

test('manifest declares the share target', async ({ request }) => {
  const response = await request.get('/manifest.webmanifest');

  const manifest = (await response.json()) as { share_target?: unknown };
  expect(manifest.share_target).toEqual({
    action: '/activate',
    method: 'GET',
    enctype: 'application/x-www-form-urlencoded',
    params: { title: 'title', text: 'text', url: 'url' },
  });
});

test('scanner loads only when opened', async ({ page }) => {
  const loaded: string[] = [];
  page.on('request', (sent) => loaded.push(new URL(sent.url()).pathname));
  await page.goto('/');
  await expect(
    page.getByRole('button', { name: 'Scan QR code' }),
  ).toBeVisible();
  const beforeOpening = [...loaded];

  await page.getByRole('button', { name: 'Scan QR code' }).click();

  await expect(
    page.getByRole('dialog', { name: 'Scan QR code' }),
  ).toBeVisible();
  expect(beforeOpening.filter((path) => /scan|\.wasm$/.test(path))).toEqual([]);
  await expect
    .poll(() => loaded.filter((path) => /\/assets\/.*\.wasm$/.test(path)))
    .toHaveLength(1);
});
