import { ProtocolError, ProtocolErrorCode } from './protocol-error.js';
import {
  readContext,
  readHost,
  readPort,
  type ServerSettings,
} from './server-settings.js';
import { buildXml, findChild, parseXml } from './xml.js';

export {
  readContext,
  readHost,
  readPort,
  serverBaseUrl,
  type ServerSettings,
} from './server-settings.js';

/** Extra flags of a directory entry, kept for display and future use. */
export interface ServerDetails extends ServerSettings {
  readonly pushSupport: boolean;
  readonly local: boolean;
  readonly pin: boolean;
  readonly oath: boolean;
}

/** Path of the directory lookup below the directory's base URL. */
export const SSD_LOOKUP_PATH = '/ssdserver/getServerDetails';

const TRUE_VALUES = new Set(['yes', 'true', 'y', '1', 'on']);

/**
 * Reads a `getServerDetailsResponse`.
 *
 * @throws ProtocolError with code `UNKNOWN_SITE_ID` when `responseCode` is not
 *   zero or `SSDetails` is missing, and other codes for malformed replies.
 */
export function readServerDetails(xml: string): ServerDetails {
  const root = parseXml(xml);
  if (root.name.toLowerCase() !== 'getserverdetailsresponse') {
    throw new ProtocolError(
      ProtocolErrorCode.UnexpectedRoot,
      `Expected a getServerDetailsResponse but the root element is ${root.name}.`,
    );
  }
  const responseCode = findChild(root, 'responseCode')?.text ?? '';
  const details = findChild(root, 'SSDetails');
  if (responseCode.trim() !== '0' || details === undefined) {
    throw new ProtocolError(
      ProtocolErrorCode.UnknownSiteId,
      `The directory has no server for this Site ID (responseCode ${responseCode || 'missing'}).`,
    );
  }
  const text = (name: string): string => findChild(details, name)?.text ?? '';
  const flag = (name: string): boolean =>
    TRUE_VALUES.has(text(name).toLowerCase());

  const tls = flag('usingSSL');
  return {
    host: readHost(text('hostname')),
    port: readPort(text('port'), tls),
    tls,
    context: readContext(text('connectionType')),
    pushSupport: flag('pushSupport'),
    local: flag('local'),
    pin: flag('pin'),
    oath: flag('oath'),
  };
}

/** Serialises a directory entry, or an unknown-Site-ID reply when `details` is null. */
export function buildServerDetails(details: ServerDetails | null): string {
  if (details === null) {
    return buildXml({
      name: 'getServerDetailsResponse',
      children: [{ name: 'responseCode', text: '1' }],
    });
  }
  const yesNo = (value: boolean): string => (value ? 'YES' : 'NO');
  return buildXml({
    name: 'getServerDetailsResponse',
    children: [
      { name: 'responseCode', text: '0' },
      {
        name: 'SSDetails',
        children: [
          { name: 'hostname', text: details.host },
          { name: 'usingSSL', text: yesNo(details.tls) },
          { name: 'pushSupport', text: yesNo(details.pushSupport) },
          { name: 'local', text: yesNo(details.local) },
          { name: 'pin', text: yesNo(details.pin) },
          { name: 'oath', text: yesNo(details.oath) },
          { name: 'port', text: String(details.port) },
          { name: 'connectionType', text: details.context },
        ],
      },
    ],
  });
}
