import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  AGENT_XML_CONTENT_TYPE,
  AGENT_XML_VERSION,
  AgentErrorCode,
  type AgentResponse,
  buildPingRequest,
  buildProvisionRequest,
  buildRequest,
  buildResponse,
  buildSecurityStringsRequest,
  readRequest,
  readResponse,
} from '../../src/protocol/agent-xml.js';
import {
  ProtocolError,
  ProtocolErrorCode,
} from '../../src/protocol/protocol-error.js';
import { parseXml, type XmlElement } from '../../src/protocol/xml.js';

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('Expected the call to throw, but it returned normally.');
}

/** Lists the root's children as name and text pairs, in document order. */
function elementsOf(xml: string): [string, string][] {
  return parseXml(xml).children.map((child: XmlElement) => [
    child.name,
    child.text,
  ]);
}

/** Text without control characters or outer whitespace, which XML values cannot keep. */
const xmlValue = fc
  .string({ minLength: 1, maxLength: 40, unit: 'grapheme' })
  .filter((text) => text.trim() === text && text !== '')
  .filter((text) => !/[\p{Cc}\uFFFE\uFFFF]/u.test(text));

describe('constants', () => {
  it('sends version 3.6', () => {
    expect(AGENT_XML_VERSION).toBe('3.6');
  });

  it('uses XML content type', () => {
    expect(AGENT_XML_CONTENT_TYPE).toBe('application/xml; charset=utf-8');
  });
});

describe('buildPingRequest', () => {
  it('has SASRequest root', () => {
    const xml = buildPingRequest();

    expect(parseXml(xml).name).toBe('SASRequest');
  });

  it('carries exactly Version and Action', () => {
    const xml = buildPingRequest();

    expect(elementsOf(xml)).toEqual([
      ['Version', '3.6'],
      ['Action', 'ping'],
    ]);
  });

  it('carries no Secret', () => {
    const xml = buildPingRequest();

    expect(xml.toLowerCase()).not.toContain('secret');
  });
});

describe('buildProvisionRequest', () => {
  it('has SASRequest root', () => {
    const xml = buildProvisionRequest('alice', '4825930167');

    expect(parseXml(xml).name).toBe('SASRequest');
  });

  it('carries exactly documented elements', () => {
    const xml = buildProvisionRequest('alice', '4825930167');

    expect(elementsOf(xml)).toEqual([
      ['Version', '3.6'],
      ['Action', 'provision'],
      ['Username', 'alice'],
      ['ProvisionCode', '4825930167'],
    ]);
  });

  it('carries no Secret', () => {
    const xml = buildProvisionRequest('alice', '4825930167');

    expect(xml.toLowerCase()).not.toContain('secret');
  });

  it('keeps markup in username as text', () => {
    const xml = buildProvisionRequest('<b>&amp;', 'a"b\'c');

    const request = readRequest(xml);

    expect(request.username).toBe('<b>&amp;');
    expect(request.provisionCode).toBe('a"b\'c');
  });

  it('round-trips arbitrary username and code', () => {
    fc.assert(
      fc.property(xmlValue, xmlValue, (username, code) => {
        const request = readRequest(buildProvisionRequest(username, code));

        expect(request.username).toBe(username);
        expect(request.provisionCode).toBe(code);
      }),
    );
  });
});

describe('buildSecurityStringsRequest', () => {
  it('has SASRequest root', () => {
    const xml = buildSecurityStringsRequest('0123456789abcdef0123456789abcdef');

    expect(parseXml(xml).name).toBe('SASRequest');
  });

  it('carries exactly Version, Action, Id', () => {
    const xml = buildSecurityStringsRequest('0123456789abcdef0123456789abcdef');

    expect(elementsOf(xml)).toEqual([
      ['Version', '3.6'],
      ['Action', 'SecurityStrings'],
      ['Id', '0123456789abcdef0123456789abcdef'],
    ]);
  });

  it('carries no Secret', () => {
    const xml = buildSecurityStringsRequest('0123456789abcdef0123456789abcdef');

    expect(xml.toLowerCase()).not.toContain('secret');
  });
});

describe('buildRequest', () => {
  it('writes only fields that are set', () => {
    const xml = buildRequest({ action: 'ping' });

    expect(elementsOf(xml)).toEqual([['Action', 'ping']]);
  });

  it('writes login elements in agent order', () => {
    const xml = buildRequest({
      otc: '437612',
      username: 'alice',
      action: 'login',
      secret: 'shared',
      version: '3.6',
      password: '',
    });

    expect(elementsOf(xml)).toEqual([
      ['Version', '3.6'],
      ['Secret', 'shared'],
      ['Action', 'login'],
      ['Username', 'alice'],
      ['Password', ''],
      ['OTC', '437612'],
    ]);
  });

  it('spells optional provision elements', () => {
    const xml = buildRequest({
      action: 'provision',
      pushId: 'push-1',
      deviceOs: 'web',
      requestId: 'r-9',
    });

    expect(elementsOf(xml)).toEqual([
      ['Action', 'provision'],
      ['PushId', 'push-1'],
      ['DeviceOS', 'web'],
      ['RequestID', 'r-9'],
    ]);
  });
});

describe('readRequest', () => {
  it('reads documented provision body', () => {
    const xml = [
      '<?xml version="1.0" ?>',
      '<SASRequest>',
      '  <Version>3.6</Version>',
      '  <Action>provision</Action>',
      '  <Username>alice</Username>',
      '  <ProvisionCode>4825930167</ProvisionCode>',
      '</SASRequest>',
    ].join('\n');

    const request = readRequest(xml);

    expect(request).toEqual({
      version: '3.6',
      action: 'provision',
      username: 'alice',
      provisionCode: '4825930167',
    });
  });

  it('matches element names ignoring case', () => {
    const xml =
      '<sasrequest><VERSION>3.6</VERSION><action>SecurityStrings</action><ID>abc</ID><requestid>5</requestid></sasrequest>';

    const request = readRequest(xml);

    expect(request.version).toBe('3.6');
    expect(request.action).toBe('SecurityStrings');
    expect(request.id).toBe('abc');
    expect(request.requestId).toBe('5');
  });

  it('reads RequestId spelling', () => {
    const xml =
      '<SASRequest><Action>ping</Action><RequestId>42</RequestId></SASRequest>';

    const request = readRequest(xml);

    expect(request.requestId).toBe('42');
  });

  it('leaves absent fields undefined', () => {
    const request = readRequest(buildPingRequest());

    expect(request.username).toBeUndefined();
    expect(request.secret).toBeUndefined();
    expect(request.id).toBeUndefined();
  });

  it('rejects missing Action', () => {
    const xml = '<SASRequest><Version>3.6</Version></SASRequest>';

    const error = thrownBy(() => readRequest(xml));

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toHaveProperty('code', ProtocolErrorCode.MissingElement);
  });

  it('rejects empty Action', () => {
    const xml =
      '<SASRequest><Version>3.6</Version><Action> </Action></SASRequest>';

    const error = thrownBy(() => readRequest(xml));

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toHaveProperty('code', ProtocolErrorCode.MissingElement);
  });

  it('rejects SASResponse root', () => {
    const xml = '<SASResponse><Action>ping</Action></SASResponse>';

    const error = thrownBy(() => readRequest(xml));

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toHaveProperty('code', ProtocolErrorCode.UnexpectedRoot);
  });

  it('rejects truncated request', () => {
    const xml = buildPingRequest().slice(0, -15);

    const error = thrownBy(() => readRequest(xml));

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toHaveProperty('code', ProtocolErrorCode.MalformedXml);
  });
});

describe('readResponse', () => {
  it('reads ping PASS', () => {
    const xml =
      '<SASResponse><Version>3.6</Version><Result>PASS</Result></SASResponse>';

    const response = readResponse(xml);

    expect(response.version).toBe('3.6');
    expect(response.result).toBe('PASS');
  });

  it('upper-cases Result', () => {
    const xml = '<SASResponse><Result>pass</Result></SASResponse>';

    const response = readResponse(xml);

    expect(response.result).toBe('PASS');
  });

  it('reads RequestID spelling', () => {
    const xml =
      '<SASResponse><RequestID>11</RequestID><Result>PASS</Result></SASResponse>';

    const response = readResponse(xml);

    expect(response.requestId).toBe('11');
  });

  it('reads RequestId spelling', () => {
    const xml =
      '<SASResponse><RequestId>12</RequestId><Result>PASS</Result></SASResponse>';

    const response = readResponse(xml);

    expect(response.requestId).toBe('12');
  });

  it('matches element names ignoring case', () => {
    const xml =
      '<sasresponse><RESULT>FAIL</RESULT><error>USER_NOT_FOUND</error><errordescription>No such user.</errordescription><ID>x</ID></sasresponse>';

    const response = readResponse(xml);

    expect(response.result).toBe('FAIL');
    expect(response.error).toBe('USER_NOT_FOUND');
    expect(response.errorDescription).toBe('No such user.');
    expect(response.id).toBe('x');
  });

  it('reads provision FAIL', () => {
    const xml = buildResponse({
      result: 'FAIL',
      error: AgentErrorCode.InvalidProvisionCode,
      errorDescription: 'The provision code is not valid.',
    });

    const response = readResponse(xml);

    expect(response.result).toBe('FAIL');
    expect(response.error).toBe('INVALID_PROVISION_CODE');
    expect(response.errorDescription).toBe('The provision code is not valid.');
    expect(response.id).toBeUndefined();
  });

  it('reads provision id', () => {
    const xml =
      '<SASResponse><Version>3.6</Version><RequestID></RequestID><Result>PASS</Result><Error></Error><Id>0123456789abcdef0123456789abcdef</Id></SASResponse>';

    const response = readResponse(xml);

    expect(response.id).toBe('0123456789abcdef0123456789abcdef');
  });

  it('reads SecurityStrings text', () => {
    const xml =
      '<SASResponse><Result>PASS</Result><SecurityStrings>0000000000;7469832160;</SecurityStrings></SASResponse>';

    const response = readResponse(xml);

    expect(response.securityStrings).toBe('0000000000;7469832160;');
  });

  it('reads Policies with attributes', () => {
    const xml = [
      '<SASResponse><RequestId>3</RequestId><Result>PASS</Result>',
      '<Policies>',
      '<Policy id="AllowUserPIN" section="mobile" show="true">ON</Policy>',
      '<Policy id="AllowStringBrowsing" section="mobile" show="false">OFF</Policy>',
      '</Policies></SASResponse>',
    ].join('');

    const response = readResponse(xml);

    expect(response.policies).toEqual([
      { id: 'AllowUserPIN', section: 'mobile', show: 'true', value: 'ON' },
      {
        id: 'AllowStringBrowsing',
        section: 'mobile',
        show: 'false',
        value: 'OFF',
      },
    ]);
  });

  it('matches policy attributes ignoring case', () => {
    const xml =
      '<SASResponse><Result>PASS</Result><policies><POLICY ID="AllowUserPIN" Section="m" SHOW="1">ON</POLICY></policies></SASResponse>';

    const response = readResponse(xml);

    expect(response.policies).toEqual([
      { id: 'AllowUserPIN', section: 'm', show: '1', value: 'ON' },
    ]);
  });

  it('returns empty text for missing attributes', () => {
    const xml =
      '<SASResponse><Result>PASS</Result><Policies><Policy id="AllowUserPIN">ON</Policy></Policies></SASResponse>';

    const response = readResponse(xml);

    expect(response.policies).toEqual([
      { id: 'AllowUserPIN', section: '', show: '', value: 'ON' },
    ]);
  });

  it('ignores non-Policy children of Policies', () => {
    const xml =
      '<SASResponse><Result>PASS</Result><Policies><Note>x</Note><Policy id="A">ON</Policy></Policies></SASResponse>';

    const response = readResponse(xml);

    expect(response.policies).toEqual([
      { id: 'A', section: '', show: '', value: 'ON' },
    ]);
  });

  it('returns empty list for empty Policies', () => {
    const xml = '<SASResponse><Result>PASS</Result><Policies/></SASResponse>';

    const response = readResponse(xml);

    expect(response.policies).toEqual([]);
  });

  it('leaves policies undefined without Policies', () => {
    const xml = '<SASResponse><Result>PASS</Result></SASResponse>';

    const response = readResponse(xml);

    expect(response.policies).toBeUndefined();
  });

  it('keeps markup in values as text', () => {
    const xml =
      '<SASResponse><Result>FAIL</Result><ErrorDescription>&lt;b&gt;&amp;amp;</ErrorDescription></SASResponse>';

    const response = readResponse(xml);

    expect(response.errorDescription).toBe('<b>&amp;');
  });

  it('rejects missing Result', () => {
    const xml = '<SASResponse><Version>3.6</Version></SASResponse>';

    const error = thrownBy(() => readResponse(xml));

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toHaveProperty('code', ProtocolErrorCode.MissingElement);
  });

  it('rejects empty Result', () => {
    const xml = '<SASResponse><Result></Result></SASResponse>';

    const error = thrownBy(() => readResponse(xml));

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toHaveProperty('code', ProtocolErrorCode.MissingElement);
  });

  it('rejects SASRequest root', () => {
    const xml = '<SASRequest><Result>PASS</Result></SASRequest>';

    const error = thrownBy(() => readResponse(xml));

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toHaveProperty('code', ProtocolErrorCode.UnexpectedRoot);
  });

  it('rejects well-formed HTML page', () => {
    const html = '<html><body><p>Bad gateway</p></body></html>';

    const error = thrownBy(() => readResponse(html));

    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toHaveProperty('code', ProtocolErrorCode.UnexpectedRoot);
  });

  const malformed: readonly (readonly [string, string])[] = [
    ['empty reply', ''],
    [
      'DOCTYPE with entities',
      '<!DOCTYPE x [<!ENTITY a "aaaa">]><SASResponse><Result>&a;</Result></SASResponse>',
    ],
    ['HTML page with DOCTYPE', '<!DOCTYPE html><html><body></body></html>'],
    ['plain text', 'Internal Server Error'],
    ['truncated reply', '<SASResponse><Result>PASS</Result>'],
    ['reply cut mid-tag', '<SASResponse><Result>PA'],
    ['unclosed HTML', '<html><body>Error<br></body></html>'],
    ['JSON reply', '{"result":"PASS"}'],
  ];

  for (const [label, xml] of malformed) {
    it(`rejects ${label}`, () => {
      const error = thrownBy(() => readResponse(xml));

      expect(error).toBeInstanceOf(ProtocolError);
      expect(error).toHaveProperty('code', ProtocolErrorCode.MalformedXml);
    });
  }

  it('throws only ProtocolError for arbitrary text', () => {
    const fragments = fc.constantFrom(
      '<',
      '>',
      '/',
      '<SASResponse>',
      '</SASResponse>',
      '<Result>',
      '</Result>',
      'PASS',
      '<![CDATA[',
      ']]>',
      '<!--',
      '-->',
      '<?xml version="1.0"?>',
      '&amp;',
      '&',
      '"',
      '=',
      ' ',
    );
    const text = fc
      .array(fc.oneof(fragments, fc.string()), { maxLength: 30 })
      .map((parts) => parts.join(''));

    fc.assert(
      fc.property(text, (xml) => {
        try {
          readResponse(xml);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('buildResponse', () => {
  it('has SASResponse root', () => {
    const xml = buildResponse({ result: 'PASS' });

    expect(parseXml(xml).name).toBe('SASResponse');
  });

  it('writes default Version', () => {
    const xml = buildResponse({ result: 'PASS' });

    expect(elementsOf(xml)).toEqual([
      ['Version', '3.6'],
      ['Result', 'PASS'],
    ]);
  });

  it('writes RequestID by default', () => {
    const xml = buildResponse({ result: 'PASS', requestId: '8' });

    expect(elementsOf(xml)).toContainEqual(['RequestID', '8']);
  });

  it('writes RequestId when asked', () => {
    const xml = buildResponse({ result: 'PASS', requestId: '8' }, 'RequestId');

    expect(elementsOf(xml)).toContainEqual(['RequestId', '8']);
    expect(elementsOf(xml)).not.toContainEqual(['RequestID', '8']);
  });

  it('writes Policy attributes and value', () => {
    const xml = buildResponse({
      result: 'PASS',
      policies: [
        { id: 'AllowUserPIN', section: 'mobile', show: 'true', value: 'ON' },
      ],
    });

    const policies = parseXml(xml).children.find(
      (child) => child.name === 'Policies',
    );

    expect(policies?.children).toEqual([
      {
        name: 'Policy',
        text: 'ON',
        attributes: { id: 'AllowUserPIN', section: 'mobile', show: 'true' },
        children: [],
      },
    ]);
  });

  it('round-trips full response', () => {
    const response: AgentResponse = {
      version: '3.6',
      requestId: 'r-1',
      result: 'PASS',
      error: '',
      errorDescription: 'none',
      id: '0123456789abcdef0123456789abcdef',
      securityStrings: '7469832160;8375210964',
      policies: [
        { id: 'AllowUserPIN', section: 'mobile', show: 'true', value: 'ON' },
        {
          id: 'AllowExtractChoice',
          section: 'mobile',
          show: 'false',
          value: 'OFF',
        },
      ],
    };

    const read = readResponse(buildResponse(response, 'RequestId'));

    expect(read).toEqual(response);
  });

  it('round-trips markup in values', () => {
    const response: AgentResponse = {
      result: 'FAIL',
      errorDescription: '<b>&amp; "quoted" \'single\'',
      policies: [
        { id: 'a"<&', section: "s'&amp;", show: '>', value: '<b>&amp;' },
      ],
    };

    const read = readResponse(buildResponse(response));

    expect(read.errorDescription).toBe(response.errorDescription);
    expect(read.policies).toEqual(response.policies);
  });

  it('round-trips arbitrary error descriptions', () => {
    fc.assert(
      fc.property(xmlValue, (description) => {
        const xml = buildResponse({
          result: 'FAIL',
          errorDescription: description,
        });

        expect(readResponse(xml).errorDescription).toBe(description);
      }),
    );
  });
});
