/**
 * TRUST_PROXY as a function of a peer's address and its hop (0 = the socket's peer, then the
 * X-Forwarded-For entries from the right): what Fastify asks before it takes a forwarded client
 * address, and what request-id.ts asks before it takes a proxy's X-Request-Id. Off by default:
 * without a proxy in front, anyone can write those headers.
 *
 * @example
 *   const trust = proxyTrust(['10.0.0.0/8']);
 *   trust('10.1.2.3', 0);   // true
 */
import ipaddr from 'ipaddr.js';
import type { TrustProxy } from '../config.js';

export type ProxyTrust = (address: string | undefined, hop: number) => boolean;

/** proxy-addr's named ranges, which Fastify's own trustProxy strings accept too. */
const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

export function proxyTrust(setting: TrustProxy): ProxyTrust {
  if (setting === false) return () => false;
  if (setting === true) return () => true;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  const ranges = setting.flatMap((entry) => NAMED_RANGES[entry] ?? [entry]).map(asIPv6Range);
  return (address) => {
    const ip = address === undefined ? undefined : asIPv6(address);
    return ip !== undefined && ranges.some(([range, bits]) => ip.match(range, bits));
  };
}

/** The longest textual IPv6 address (an IPv4 tail included) is 45 characters; a zone may add a few. */
const MAX_ADDRESS_LENGTH = 64;

/** Both kinds compared as IPv6 (IPv4 as ::ffff:a.b.c.d), so one range list serves both. */
function asIPv6(address: string): ipaddr.IPv6 | undefined {
  // Forwarded entries are the client's text: the length first, before ipaddr.js's patterns see it.
  if (address.length > MAX_ADDRESS_LENGTH || !ipaddr.isValid(address)) return undefined;
  const ip = ipaddr.parse(address);
  return ip.kind() === 'ipv4' ? (ip as ipaddr.IPv4).toIPv4MappedAddress() : (ip as ipaddr.IPv6);
}

/** An address (a range of one) or CIDR range from the config, already validated by config.ts. */
function asIPv6Range(entry: string): [ipaddr.IPv6, number] {
  const [ip, bits] = entry.includes('/') ? ipaddr.parseCIDR(entry) : [ipaddr.parse(entry), -1];
  if (ip.kind() === 'ipv4') return [(ip as ipaddr.IPv4).toIPv4MappedAddress(), 96 + (bits < 0 ? 32 : bits)];
  return [ip as ipaddr.IPv6, bits < 0 ? 128 : bits];
}
