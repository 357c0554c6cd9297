import { describe, expect, it } from 'vitest';

import {
  isPolicyOn,
  type Policy,
  PolicyId,
} from '../../src/protocol/policies.js';

function policy(id: string, value: string): Policy {
  return { id, section: 'mobile', show: 'true', value };
}

describe('PolicyId', () => {
  it('spells the three policy ids', () => {
    expect(PolicyId.AllowUserPin).toBe('AllowUserPIN');
    expect(PolicyId.AllowExtractChoice).toBe('AllowExtractChoice');
    expect(PolicyId.AllowStringBrowsing).toBe('AllowStringBrowsing');
  });
});

describe('isPolicyOn', () => {
  it('returns true for ON', () => {
    const policies = [policy('AllowUserPIN', 'ON')];

    expect(isPolicyOn(policies, PolicyId.AllowUserPin)).toBe(true);
  });

  it('returns false for OFF', () => {
    const policies = [policy('AllowUserPIN', 'OFF')];

    expect(isPolicyOn(policies, PolicyId.AllowUserPin)).toBe(false);
  });

  it('treats missing policy as off', () => {
    const policies = [policy('AllowStringBrowsing', 'ON')];

    expect(isPolicyOn(policies, PolicyId.AllowUserPin)).toBe(false);
  });

  it('treats undefined list as off', () => {
    expect(isPolicyOn(undefined, PolicyId.AllowUserPin)).toBe(false);
  });

  it('treats empty list as off', () => {
    expect(isPolicyOn([], PolicyId.AllowUserPin)).toBe(false);
  });

  it('matches policy id ignoring case', () => {
    const policies = [policy('allowuserpin', 'ON')];

    expect(isPolicyOn(policies, PolicyId.AllowUserPin)).toBe(true);
  });

  for (const value of [
    'ON',
    'on',
    'On',
    ' ON ',
    'YES',
    'yes',
    'true',
    'TRUE',
    '1',
  ]) {
    it(`accepts ${JSON.stringify(value)} as on`, () => {
      const policies = [policy('AllowExtractChoice', value)];

      expect(isPolicyOn(policies, PolicyId.AllowExtractChoice)).toBe(true);
    });
  }

  for (const value of [
    'OFF',
    'off',
    'no',
    'false',
    '0',
    '',
    'enabled',
    'ONX',
  ]) {
    it(`reads ${JSON.stringify(value)} as off`, () => {
      const policies = [policy('AllowExtractChoice', value)];

      expect(isPolicyOn(policies, PolicyId.AllowExtractChoice)).toBe(false);
    });
  }

  it('uses first matching policy', () => {
    const policies = [
      policy('AllowUserPIN', 'OFF'),
      policy('AllowUserPIN', 'ON'),
    ];

    expect(isPolicyOn(policies, PolicyId.AllowUserPin)).toBe(false);
  });
});
