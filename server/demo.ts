import type { AddressInfo } from 'node:net';

import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';

import { loadConfigOrExit, startServer } from './start.js';

/** The user that the demo creates, and its PIN. */
const DEMO_USERNAME = 'demo';
const DEMO_PIN = '1234';
const DEMO_POLICIES = 'AllowUserPIN,AllowStringBrowsing';

interface ProvisionCodeReply {
  readonly code: string;
  readonly activateUrl: string;
  readonly expiresAt: string;
}

/**
 * Starts the server in demo mode, creates the user `demo` with PIN 1234
 * through the admin API, and prints the app URL, the Activate URL as text
 * and QR code, the PIN and the agent secret.
 */
async function runDemo(): Promise<void> {
  // The demo shows the PIN field and string browsing unless POLICIES is
  // set. A real Swivel server has both policies off by default.
  process.env.POLICIES ??= DEMO_POLICIES;
  const settings = loadConfigOrExit({}, ['--demo', ...process.argv.slice(2)]);
  if (settings.publicUrl === undefined && settings.port === 0) {
    console.error(
      'Invalid setting: the demo needs a fixed PORT to build its links. Set PORT, such as PORT=8080, or set PUBLIC_URL.',
    );
    process.exit(1);
  }
  // One origin for the app and the Activate link, because the browser keeps
  // separate storage for localhost and 127.0.0.1.
  const publicUrl =
    settings.publicUrl ?? new URL(`http://localhost:${settings.port}`);
  const config = { ...settings, publicUrl };
  const app = await startServer(config);

  let provisioning: ProvisionCodeReply;
  try {
    provisioning = await createDemoUser(adminBaseUrl(app));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    console.error(`The demo failed to create its user: ${detail}`);
    await app.close();
    process.exit(1);
  }
  const qrCode = await QRCode.toString(provisioning.activateUrl, {
    type: 'terminal',
    small: true,
  });
  console.log(
    [
      '',
      `Swivel demo server for Site ID ${config.siteId}`,
      `App:          ${publicUrl.origin}`,
      `Activate URL: ${provisioning.activateUrl}`,
      `              (valid until ${provisioning.expiresAt})`,
      qrCode,
      `Username:     ${DEMO_USERNAME}`,
      `PIN:          ${DEMO_PIN}`,
      `Agent secret: ${config.agentSecret ?? ''}`,
      `Policies on:  ${[...config.policies].join(', ') || 'none'}`,
      '',
      'Press Ctrl+C to stop the server.',
      '',
    ].join('\n'),
  );
}

/** Returns the loopback URL of the listening server, for the admin calls. */
function adminBaseUrl(app: FastifyInstance): string {
  const address = app.server.address() as AddressInfo;
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? '127.0.0.1' : address.address;
  const bracketed = host.includes(':') ? `[${host}]` : host;
  return `http://${bracketed}:${address.port}`;
}

async function createDemoUser(baseUrl: string): Promise<ProvisionCodeReply> {
  await postJson(`${baseUrl}/admin/users`, {
    username: DEMO_USERNAME,
    pin: DEMO_PIN,
  });
  const codeUrl = `${baseUrl}/admin/users/${DEMO_USERNAME}/provision-code`;
  return (await postJson(codeUrl, undefined)) as ProvisionCodeReply;
}

async function postJson(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    ...(body === undefined
      ? {}
      : {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
  });
  const reply: unknown = await response.json();
  if (!response.ok) {
    throw new Error(
      `POST ${url} returned HTTP ${response.status}: ${JSON.stringify(reply)}`,
    );
  }
  return reply;
}

await runDemo();
