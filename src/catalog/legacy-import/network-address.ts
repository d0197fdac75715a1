/**
 * Which addresses `import legacy` may fetch an image from. A CSV is data from elsewhere: a URL
 * in it must not make the importer reach into the machine or the network it runs in (an admin
 * page on localhost, a database on 10.0.0.5, the cloud's metadata service at 169.254.169.254).
 *
 *   public     global unicast: fetched
 *   private    loopback, RFC 1918, carrier-grade NAT (100.64/10), unique local (fc00::/7),
 *              link-local (169.254/16, fe80::/10): fetched only with --allow-private-network
 *   never      the cloud metadata addresses, unspecified, multicast, broadcast and every other
 *              special-purpose range (documentation, 6to4, Teredo, IPv4-compatible ::a.b.c.d)
 *
 * An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) is judged as the IPv4 address it carries, and
 * so is a NAT64 address of the well-known prefix (`64:ff9b::127.0.0.1`, RFC 6052): on an
 * IPv6-only network that is how every IPv4 site is reached, and the gateway connects to the
 * IPv4 address in its last 32 bits, so that address is what the fetch really reaches.
 *
 * @example
 *   addressRefusal('127.0.0.1', false);   // { address: '127.0.0.1', what: 'a loopback address', overridable: true }
 *   addressRefusal('127.0.0.1', true);    // undefined
 *   addressRefusal('93.184.215.14', false); // undefined
 */
import ipaddr from 'ipaddr.js';

export interface AddressRefusal {
  /** The address as given, with the IPv4 address it carries: "::ffff:7f00:1 (IPv4 127.0.0.1)". */
  address: string;
  /** What it is, for people: "a loopback address". */
  what: string;
  /** True when --allow-private-network would let it through. */
  overridable: boolean;
}

type Kind = { kind: 'public' } | { kind: 'private' | 'never'; what: string };

/** Where the clouds serve instance metadata (and credentials): never fetched, whatever the flag. */
const METADATA = new Set(['169.254.169.254', 'fd00:ec2::254']);
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
/** NAT64's well-known prefix; the local-use 64:ff9b:1::/48 may carry its IPv4 address elsewhere, and stays reserved. */
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

/** Why `address` (an IP address, no brackets) may not be fetched from, or undefined when it may. */
export function addressRefusal(address: string, allowPrivateNetwork: boolean): AddressRefusal | undefined {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.parse(address);
  } catch {
    return { address, what: 'not an IP address', overridable: false };
  }
  let shown = address;
  const carried = ip.kind() === 'ipv6' ? carriedIPv4(ip as ipaddr.IPv6) : undefined;
  if (carried !== undefined) {
    ip = carried;
    shown = `${address} (IPv4 ${ip.toString()})`;
  }
  const found = classify(ip);
  if (found.kind === 'public' || (found.kind === 'private' && allowPrivateNetwork)) return undefined;
  return { address: shown, what: found.what, overridable: found.kind === 'private' };
}

/** The IPv4 address an IPv4-mapped (::ffff:0:0/96) or NAT64 (64:ff9b::/96) address stands for. */
function carriedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  if (ip.isIPv4MappedAddress()) return ip.toIPv4Address();
  if (!ip.match(NAT64_WELL_KNOWN)) return undefined;
  const [high = 0, low = 0] = ip.parts.slice(6);
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function classify(ip: ipaddr.IPv4 | ipaddr.IPv6): Kind {
  if (METADATA.has(ip.toString())) return { kind: 'never', what: 'the cloud metadata address' };
  const range = ip.range();
  switch (range) {
    case 'unicast':
      // ipaddr.js calls everything outside its special ranges unicast, ::a.b.c.d included.
      return ip.kind() === 'ipv4' || (ip as ipaddr.IPv6).match(GLOBAL_UNICAST_V6)
        ? { kind: 'public' }
        : { kind: 'never', what: 'a reserved address' };
    case 'loopback':
      return { kind: 'private', what: 'a loopback address' };
    case 'private':
      return { kind: 'private', what: 'a private address' };
    case 'carrierGradeNat':
      return { kind: 'private', what: 'a private (carrier-grade NAT) address' };
    case 'uniqueLocal':
      return { kind: 'private', what: 'a private (unique local) address' };
    case 'linkLocal':
      return { kind: 'private', what: 'a link-local address' };
    case 'unspecified':
      return { kind: 'never', what: 'an unspecified address' };
    case 'multicast':
      return { kind: 'never', what: 'a multicast address' };
    case 'broadcast':
      return { kind: 'never', what: 'the broadcast address' };
    default:
      return { kind: 'never', what: `a reserved address (${range})` };
  }
}
