import { describe, expect, it } from 'vitest';
import { clientPrefix } from '../../src/tenancy/client-prefix.js';

describe('clientPrefix', () => {
  it('an IPv4 address as it is; an IPv6 address by its /64; an IPv4-mapped one as its IPv4 address', () => {
    expect(clientPrefix('203.0.113.7')).toBe('203.0.113.7');
    expect(clientPrefix('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(clientPrefix('2001:0db8:0001:0002::1')).toBe('2001:db8:1:2::/64');
    expect(clientPrefix('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientPrefix('fe80::1%eth0')).toBe('fe80::/64');
  });

  it('what is not an address (a forged X-Forwarded-For entry) is kept short and apart from addresses', () => {
    expect(clientPrefix('not an address')).toBe('?not an address');
    expect(clientPrefix('x'.repeat(10_000))).toHaveLength(65);
  });
});
