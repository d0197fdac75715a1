/**
 * The address check of `import legacy` (finding 5 of issue 13): which addresses are refused,
 * with and without --allow-private-network, and the lookup hook that resolves a name, checks
 * every address and hands the socket exactly those (resolvers injected: no DNS is asked).
 */
import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { AddressRefusedError, checkedLookup, type Resolve } from '../../src/catalog/legacy-import/checked-lookup.js';
import { addressRefusal } from '../../src/catalog/legacy-import/network-address.js';

describe('addressRefusal', () => {
  it('lets public addresses through', () => {
    for (const address of ['93.184.215.14', '8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e']) {
      expect(addressRefusal(address, false), address).toBeUndefined();
    }
  });

  it('refuses loopback, private, CGNAT, unique-local and link-local, unless the private network is allowed', () => {
    const cases: [string, string][] = [
      ['127.0.0.1', 'a loopback address'],
      ['127.255.0.9', 'a loopback address'],
      ['::1', 'a loopback address'],
      ['10.1.2.3', 'a private address'],
      ['172.16.0.1', 'a private address'],
      ['172.31.255.254', 'a private address'],
      ['192.168.1.1', 'a private address'],
      ['100.64.0.1', 'a private (carrier-grade NAT) address'],
      ['100.127.255.254', 'a private (carrier-grade NAT) address'],
      ['fc00::1', 'a private (unique local) address'],
      ['fd12:3456::1', 'a private (unique local) address'],
      ['169.254.1.1', 'a link-local address'],
      ['fe80::1', 'a link-local address'],
    ];
    for (const [address, what] of cases) {
      expect(addressRefusal(address, false), address).toEqual({ address, what, overridable: true });
      expect(addressRefusal(address, true), address).toBeUndefined();
    }
  });

  it('judges an IPv4-mapped IPv6 address as the IPv4 address it carries', () => {
    expect(addressRefusal('::ffff:7f00:1', false)).toEqual({
      address: '::ffff:7f00:1 (IPv4 127.0.0.1)',
      what: 'a loopback address',
      overridable: true,
    });
    expect(addressRefusal('::ffff:a00:1', false)?.what).toBe('a private address');
    expect(addressRefusal('::ffff:a9fe:a9fe', true)?.what).toBe('the cloud metadata address');
    expect(addressRefusal('::ffff:5db8:d70e', false)).toBeUndefined(); // 93.184.215.14
  });

  it('judges a NAT64 address (64:ff9b::/96) as the IPv4 address it carries', () => {
    // How an IPv6-only network reaches 93.184.215.14: fetched like the IPv4 address itself.
    expect(addressRefusal('64:ff9b::5db8:d70e', false)).toBeUndefined();
    expect(addressRefusal('64:ff9b::93.184.215.14', false)).toBeUndefined();
    expect(addressRefusal('64:ff9b::7f00:1', false)).toEqual({
      address: '64:ff9b::7f00:1 (IPv4 127.0.0.1)',
      what: 'a loopback address',
      overridable: true,
    });
    expect(addressRefusal('64:ff9b::7f00:1', true)).toBeUndefined();
    expect(addressRefusal('64:ff9b::10.0.0.5', false)?.what).toBe('a private address');
    expect(addressRefusal('64:ff9b::a9fe:a9fe', true)).toMatchObject({ what: 'the cloud metadata address', overridable: false });
    expect(addressRefusal('64:ff9b::e000:1', true)?.what).toBe('a multicast address');
    // Outside the well-known /96 (the local-use 64:ff9b:1::/48 included): still reserved.
    expect(addressRefusal('64:ff9b:1::7f00:1', true)?.overridable).toBe(false);
  });

  it('never lets the metadata address, unspecified, multicast, broadcast or other special ranges through', () => {
    const cases: [string, string][] = [
      ['169.254.169.254', 'the cloud metadata address'],
      ['fd00:ec2::254', 'the cloud metadata address'],
      ['0.0.0.0', 'an unspecified address'],
      ['::', 'an unspecified address'],
      ['224.0.0.1', 'a multicast address'],
      ['ff02::1', 'a multicast address'],
      ['255.255.255.255', 'the broadcast address'],
      ['192.0.2.1', 'a reserved address (reserved)'],
      ['240.0.0.1', 'a reserved address (reserved)'],
      ['::7f00:1', 'a reserved address'], // IPv4-compatible ::127.0.0.1
      ['2002:7f00:1::', 'a reserved address (6to4)'],
      ['2001:db8::1', 'a reserved address (reserved)'],
    ];
    for (const [address, what] of cases) {
      expect(addressRefusal(address, true), address).toEqual({ address, what, overridable: false });
    }
  });

  it('refuses what is not an IP address', () => {
    expect(addressRefusal('localhost', true)).toEqual({ address: 'localhost', what: 'not an IP address', overridable: false });
  });
});

describe('checkedLookup', () => {
  const names: Record<string, LookupAddress[]> = {
    'cdn.example': [
      { address: '93.184.215.14', family: 4 },
      { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
    ],
    'localhost.example': [{ address: '127.0.0.1', family: 4 }],
    'mixed.example': [
      { address: '93.184.215.14', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ],
    'metadata.example': [{ address: '169.254.169.254', family: 4 }],
  };
  let calls = 0;
  const resolve: Resolve = async (hostname) => {
    calls++;
    const found = names[hostname];
    if (found === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found;
  };
  const lookup = (allowPrivateNetwork: boolean, hostname: string, options: { all?: boolean; family?: number }) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number | undefined }>((done) =>
      checkedLookup(resolve, (address) => addressRefusal(address, allowPrivateNetwork))(hostname, options, (err, address, family) =>
        done({ err, address, family }),
      ),
    );

  it('hands the socket the addresses it checked: all of them, or the first of the family asked for', async () => {
    calls = 0;
    expect(await lookup(false, 'cdn.example', { all: true })).toEqual({ err: null, address: names['cdn.example'], family: undefined });
    expect(await lookup(false, 'cdn.example', {})).toEqual({ err: null, address: '93.184.215.14', family: 4 });
    expect(await lookup(false, 'cdn.example', { family: 6 })).toEqual({
      err: null,
      address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c',
      family: 6,
    });
    // One resolution per connection: nothing is resolved a second time after the check.
    expect(calls).toBe(3);
  });

  it('refuses a name that resolves to loopback, and one with any private address among public ones', async () => {
    const local = await lookup(false, 'localhost.example', { all: true });
    expect(local.err).toBeInstanceOf(AddressRefusedError);
    expect(local.err!.message).toBe('localhost.example resolves to 127.0.0.1, a loopback address');
    expect((local.err as AddressRefusedError).refusal.overridable).toBe(true);
    expect((await lookup(false, 'mixed.example', {})).err!.message).toBe('mixed.example resolves to 10.0.0.7, a private address');
    expect(await lookup(true, 'localhost.example', {})).toEqual({ err: null, address: '127.0.0.1', family: 4 });
  });

  it('refuses the metadata address even with the private network allowed', async () => {
    const got = await lookup(true, 'metadata.example', {});
    expect(got.err!.message).toBe('metadata.example resolves to 169.254.169.254, the cloud metadata address');
    expect((got.err as AddressRefusedError).refusal.overridable).toBe(false);
  });

  it('passes a resolver error on', async () => {
    expect((await lookup(false, 'nowhere.example', {})).err).toMatchObject({ code: 'ENOTFOUND' });
  });
});
