/**
 * The part of a client's address that throttling counts by. An IPv4 address is one client (or
 * one NAT); an IPv6 address is not: a home or a cloud VM is routinely given a whole /64, 2^64
 * addresses to rotate through, so an IPv6 client is counted by its /64. An IPv4-mapped IPv6
 * address (`::ffff:203.0.113.7`, what a dual-stack socket reports) is its IPv4 address.
 *
 * @example
 *   clientPrefix('203.0.113.7');                 // '203.0.113.7'
 *   clientPrefix('2001:db8:1:2:aaaa::1');        // '2001:db8:1:2::/64'
 *   clientPrefix('::ffff:203.0.113.7');          // '203.0.113.7'
 */
import ipaddr from 'ipaddr.js';

/** Longer than any address: what is not one (a forged X-Forwarded-For entry) is kept this short. */
const MAX_UNPARSED_LENGTH = 64;

export function clientPrefix(address: string): string {
  if (address.length > MAX_UNPARSED_LENGTH || !ipaddr.isValid(address)) return `?${address.slice(0, MAX_UNPARSED_LENGTH)}`;
  const ip = ipaddr.process(address);
  if (ip.kind() === 'ipv4') return ip.toString();
  const parts = (ip as ipaddr.IPv6).parts.slice(0, 4).concat([0, 0, 0, 0]);
  return `${new ipaddr.IPv6(parts).toString()}/64`;
}
