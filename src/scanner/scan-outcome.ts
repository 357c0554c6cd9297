import {
  LinkError,
  parseLink,
  type ProvisionLink,
} from '../link/parse-link.js';
import type { UserMessage } from '../provisioning/messages.js';
import type { ProvisionInput } from '../provisioning/provision-device.js';
import type { ServerSettings } from '../protocol/server-settings.js';

/**
 * The meaning of a scanned code or pasted text: an Activate URL to provision
 * with, or a message that shows what was read.
 */
export type ScanOutcome =
  | { readonly kind: 'link'; readonly link: ProvisionLink }
  | {
      readonly kind: 'rejected';
      readonly message: UserMessage;
      /** The text as read, for showing to the user. */
      readonly text: string;
    };

/**
 * Reads the text of a QR code or of pasted text with the same parser as a
 * link, so that every accepted Activate URL form works here too.
 */
export function readScannedText(text: string): ScanOutcome {
  let parsed: ReturnType<typeof parseLink>;
  try {
    parsed = parseLink(text);
  } catch (error) {
    if (!(error instanceof LinkError)) throw error;
    return {
      kind: 'rejected',
      text,
      message: {
        title: 'Not an Activate URL',
        detail: error.message,
      },
    };
  }
  if (parsed.kind === 'otpauth') {
    return {
      kind: 'rejected',
      text,
      message: {
        title: 'OATH codes are not supported yet',
        detail: `This is an otpauth (${parsed.type.toUpperCase()}) key for an authenticator app, not a Swivel Activate URL. Ask your administrator for a Swivel Activate URL.`,
      },
    };
  }
  return { kind: 'link', link: parsed };
}

/** Describes a found Activate URL in one sentence, for announcing it. */
export function describeFoundLink(link: ProvisionLink): string {
  const user = link.username === undefined ? '' : ` for ${link.username}`;
  const site = link.siteId === undefined ? '' : ` at Site ID ${link.siteId}`;
  return `Found an Activate URL${user}${site}.`;
}

/**
 * Returns the input to provision with at once when a link carries the
 * username, the provision code and a Site ID, or when a server is already
 * stored for links without a Site ID. Returns null when the user must fill
 * in fields first.
 */
export function provisionInputFor(
  link: ProvisionLink,
  knownServer: ServerSettings | undefined,
): ProvisionInput | null {
  const { siteId, username, code } = link;
  if (username === undefined || code === undefined) return null;
  if (siteId !== undefined) return { siteId, username, code };
  if (knownServer !== undefined) return { server: knownServer, username, code };
  return null;
}
