import { describe, expect, it } from 'vitest';

import {
  ProtocolError,
  ProtocolErrorCode,
} from '../../src/protocol/protocol-error.js';
import {
  buildServerDetails,
  readServerDetails,
  type ServerDetails,
  SSD_LOOKUP_PATH,
} from '../../src/protocol/ssd.js';

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('Expected the call to throw, but it returned normally.');
}

interface DetailsFields {
  responseCode?: string;
  hostname?: string;
  usingSSL?: string;
  pushSupport?: string;
  local?: string;
  pin?: string;
  oath?: string;
  port?: string;
  connectionType?: string;
}

/** Writes a directory reply in the documented layout, leaving out undefined fields. */
function detailsXml(fields: DetailsFields = {}): string {
  const values: DetailsFields = {
    hostname: 'swivel.example.com',
    usingSSL: 'YES',
    pushSupport: 'NO',
    local: 'NO',
    pin: 'NO',
    oath: 'NO',
    port: '8443',
    connectionType: 'proxy',
    ...fields,
  };
  const element = (name: keyof DetailsFields): string => {
    const value = values[name];
    return value === undefined ? '' : `    <${name}>${value}</${name}>\n`;
  };
  return [
    '<getServerDetailsResponse>\n',
    `  <responseCode>${fields.responseCode ?? '0'}</responseCode>\n`,
    '  <SSDetails>\n',
    element('hostname'),
    element('usingSSL'),
    element('pushSupport'),
    element('local'),
    element('pin'),
    element('oath'),
    element('port'),
    element('connectionType'),
    '  </SSDetails>\n',
    '</getServerDetailsResponse>\n',
  ].join('');
}

describe('SSD_LOOKUP_PATH', () => {
  it('names getServerDetails path', () => {
    expect(SSD_LOOKUP_PATH).toBe('/ssdserver/getServerDetails');
  });
});

describe('readServerDetails', () => {
  it('reads documented example', () => {
    const details = readServerDetails(detailsXml());

    expect(details).toEqual({
      host: 'swivel.example.com',
      port: 8443,
      tls: true,
      context: 'proxy',
      pushSupport: false,
      local: false,
      pin: false,
      oath: false,
    });
  });

  for (const value of ['YES', 'yes', 'Yes', 'true', 'TRUE']) {
    it(`reads usingSSL ${value} as true`, () => {
      const details = readServerDetails(detailsXml({ usingSSL: value }));

      expect(details.tls).toBe(true);
    });
  }

  for (const value of ['NO', 'no', 'false', '']) {
    it(`reads usingSSL ${JSON.stringify(value)} as false`, () => {
      const details = readServerDetails(detailsXml({ usingSSL: value }));

      expect(details.tls).toBe(false);
    });
  }

  it('reads missing usingSSL as false', () => {
    const details = readServerDetails(detailsXml({ usingSSL: undefined }));

    expect(details.tls).toBe(false);
  });

  it('reads each flag independently', () => {
    const xml = detailsXml({
      pushSupport: 'yes',
      local: 'NO',
      pin: 'true',
      oath: 'YES',
    });

    const details = readServerDetails(xml);

    expect(details.pushSupport).toBe(true);
    expect(details.local).toBe(false);
    expect(details.pin).toBe(true);
    expect(details.oath).toBe(true);
  });

  it('reads connectionType without slash', () => {
    const details = readServerDetails(
      detailsXml({ connectionType: 'pinsafe' }),
    );

    expect(details.context).toBe('pinsafe');
  });

  it('reads connectionType with leading slash', () => {
    const details = readServerDetails(
      detailsXml({ connectionType: '/sentry' }),
    );

    expect(details.context).toBe('sentry');
  });

  it('lower-cases hostname', () => {
    const details = readServerDetails(
      detailsXml({ hostname: 'Swivel.Example.COM' }),
    );

    expect(details.host).toBe('swivel.example.com');
  });

  it('defaults port to 443 with SSL', () => {
    const details = readServerDetails(
      detailsXml({ port: undefined, usingSSL: 'YES' }),
    );

    expect(details.port).toBe(443);
  });

  it('defaults port to 80 without SSL', () => {
    const details = readServerDetails(detailsXml({ port: '', usingSSL: 'NO' }));

    expect(details.port).toBe(80);
  });

  it('matches element names ignoring case', () => {
    const xml =
      '<GETSERVERDETAILSRESPONSE><ResponseCode>0</ResponseCode><ssdetails><HOSTNAME>h.example</HOSTNAME><UsingSsl>yes</UsingSsl><PORT>8080</PORT><ConnectionType>pinsafe</ConnectionType></ssdetails></GETSERVERDETAILSRESPONSE>';

    const details = readServerDetails(xml);

    expect(details.host).toBe('h.example');
    expect(details.tls).toBe(true);
    expect(details.port).toBe(8080);
    expect(details.context).toBe('pinsafe');
  });

  for (const code of ['1', '-1', '2', '404', 'error']) {
    it(`maps responseCode ${code} to UNKNOWN_SITE_ID`, () => {
      const error = thrownBy(() =>
        readServerDetails(detailsXml({ responseCode: code })),
      );

      expect(error).toBeInstanceOf(ProtocolError);
      expect(error).toHaveProperty('code', ProtocolErrorCode.UnknownSiteId);
    });
  }

  it('maps missing SSDetails to UNKNOWN_SITE_ID', () => {
    const xml =
      '<getServerDetailsResponse><responseCode>0</responseCode></getServerDetailsResponse>';

    const error = thrownBy(() => readServerDetails(xml));

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toHaveProperty('code', ProtocolErrorCode.UnknownSiteId);
  });

  it('maps missing responseCode to UNKNOWN_SITE_ID', () => {
    const xml =
      '<getServerDetailsResponse><SSDetails><hostname>h.example</hostname></SSDetails></getServerDetailsResponse>';

    const error = thrownBy(() => readServerDetails(xml));

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toHaveProperty('code', ProtocolErrorCode.UnknownSiteId);
  });

  it('rejects wrong root element', () => {
    const xml = '<SASResponse><responseCode>0</responseCode></SASResponse>';

    const error = thrownBy(() => readServerDetails(xml));

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toHaveProperty('code', ProtocolErrorCode.UnexpectedRoot);
  });

  it('rejects truncated reply', () => {
    const xml = detailsXml().slice(0, 120);

    const error = thrownBy(() => readServerDetails(xml));

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toHaveProperty('code', ProtocolErrorCode.MalformedXml);
  });

  it('rejects invalid hostname', () => {
    const error = thrownBy(() =>
      readServerDetails(detailsXml({ hostname: 'bad host' })),
    );

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toHaveProperty('code', ProtocolErrorCode.InvalidValue);
  });

  it('rejects missing hostname', () => {
    const error = thrownBy(() =>
      readServerDetails(detailsXml({ hostname: undefined })),
    );

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toHaveProperty('code', ProtocolErrorCode.InvalidValue);
  });

  it('rejects invalid port', () => {
    const error = thrownBy(() =>
      readServerDetails(detailsXml({ port: '70000' })),
    );

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toHaveProperty('code', ProtocolErrorCode.InvalidValue);
  });

  it('rejects missing connectionType', () => {
    const error = thrownBy(() =>
      readServerDetails(detailsXml({ connectionType: undefined })),
    );

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toHaveProperty('code', ProtocolErrorCode.InvalidValue);
  });
});

describe('buildServerDetails', () => {
  const details: ServerDetails = {
    host: 'swivel.example.com',
    port: 8443,
    tls: true,
    context: 'proxy',
    pushSupport: true,
    local: false,
    pin: true,
    oath: false,
  };

  it('round-trips server details', () => {
    const read = readServerDetails(buildServerDetails(details));

    expect(read).toEqual(details);
  });

  it('round-trips IPv6 host without SSL', () => {
    const ipv6: ServerDetails = {
      ...details,
      host: '2001:db8::1',
      tls: false,
      port: 8080,
    };

    const read = readServerDetails(buildServerDetails(ipv6));

    expect(read).toEqual(ipv6);
  });

  it('writes documented element layout', () => {
    const xml = buildServerDetails(details);

    expect(xml).toContain('<responseCode>0</responseCode>');
    expect(xml).toContain('<usingSSL>YES</usingSSL>');
    expect(xml).toContain('<local>NO</local>');
    expect(xml).toContain('<port>8443</port>');
    expect(xml).toContain('<connectionType>proxy</connectionType>');
  });

  it('writes unknown-site reply for null', () => {
    const xml = buildServerDetails(null);

    const error = thrownBy(() => readServerDetails(xml));

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toHaveProperty('code', ProtocolErrorCode.UnknownSiteId);
  });
});
