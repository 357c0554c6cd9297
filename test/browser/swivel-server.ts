import { randomBytes } from 'node:crypto';

import { type APIRequestContext, expect, type Page } from '@playwright/test';

import { buildRequest, readResponse } from '../../src/protocol/agent-xml.js';

/** The agent secret the browser tests start the server with. */
export const AGENT_SECRET = 'browser-test-secret';

/** The Site ID the browser tests start the server with. */
export const SITE_ID = 'TESTSITE';

export interface TestUser {
  readonly username: string;
  readonly pin: string;
}

export interface ProvisionCode {
  readonly code: string;
  readonly activateUrl: string;
  readonly expiresAt: string;
}

export interface AdminUser {
  readonly username: string;
  readonly provisioned: boolean;
  readonly strings: { index: number; value: string; used: boolean }[];
}

/** Creates a user with a fresh name through the admin API. */
export async function createUser(
  request: APIRequestContext,
  pin = '1234',
): Promise<TestUser> {
  const username = `user-${randomBytes(4).toString('hex')}`;
  const response = await request.post('/admin/users', {
    data: { username, pin },
  });
  expect(response.status()).toBe(201);
  return { username, pin };
}

/** Issues a provision code for `username` through the admin API. */
export async function issueCode(
  request: APIRequestContext,
  username: string,
): Promise<ProvisionCode> {
  const response = await request.post(
    `/admin/users/${encodeURIComponent(username)}/provision-code`,
  );
  expect(response.status()).toBe(201);
  return (await response.json()) as ProvisionCode;
}

/** Reads a user's state, including the server's copy of the batch. */
export async function readUser(
  request: APIRequestContext,
  username: string,
): Promise<AdminUser> {
  const response = await request.get(
    `/admin/users/${encodeURIComponent(username)}`,
  );
  expect(response.status()).toBe(200);
  return (await response.json()) as AdminUser;
}

/** Sends an agent's `login` and returns its Result, `PASS` or `FAIL`. */
export async function login(
  request: APIRequestContext,
  username: string,
  typedCode: string,
): Promise<string> {
  const response = await request.post('/proxy/AgentXML', {
    headers: { 'Content-Type': 'application/xml; charset=utf-8' },
    data: buildRequest({
      version: '3.6',
      secret: AGENT_SECRET,
      action: 'login',
      username,
      password: '',
      otc: typedCode,
    }),
  });
  expect(response.status()).toBe(200);
  return readResponse(await response.text()).result;
}

/** Reads the string and index shown on the codes screen. */
export async function readShownString(
  page: Page,
): Promise<{ value: string; index: number }> {
  const characters = page.getByTestId('security-string');
  await expect(characters).toBeVisible();
  const value = (await characters.innerText()).replace(/\s/g, '');
  const index = Number(await page.getByTestId('string-index').innerText());
  return { value, index };
}

/** Opens a fresh Activate URL for a new user and provisions through the UI. */
export async function provisionNewUser(
  page: Page,
  request: APIRequestContext,
): Promise<TestUser & ProvisionCode> {
  const user = await createUser(request);
  const code = await issueCode(request, user.username);
  await page.goto(code.activateUrl);
  await page.getByRole('button', { name: 'Get Server Settings' }).click();
  await expect(page.getByText('Device Provisioned')).toBeVisible();
  await expect(page.getByTestId('security-string')).toBeVisible();
  return { ...user, ...code };
}

/** Waits until a service worker controls the page, so reloads go through it. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller !== null) return;
    await new Promise<void>((resolve) => {
      navigator.serviceWorker.addEventListener('controllerchange', () =>
        resolve(),
      );
    });
  });
}
