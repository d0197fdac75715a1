/**
 * A `lookup` for node:http/https that resolves the name itself, checks every address it
 * resolves to, and hands the socket exactly those addresses: the connection goes to what was
 * checked, so a DNS server that answers "public" to the check and "127.0.0.1" to the connect
 * (DNS rebinding) has no second answer to give. A name with any refused address is refused.
 *
 * net skips `lookup` for an IP literal, so the caller checks literals itself (checkedFetch does).
 *
 * @example
 *   http.request(url, { lookup: checkedLookup(systemResolve, (address) => addressRefusal(address, false)) });
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { AddressRefusal } from './network-address.js';

/** All the addresses a name resolves to. */
export type Resolve = (hostname: string) => Promise<readonly LookupAddress[]>;

/** Whether the importer may connect to `address` (which `hostname` resolved to). */
export type AddressCheck = (address: string, hostname: string) => AddressRefusal | undefined;

/** The system's resolver (getaddrinfo: /etc/hosts, then DNS), every address in its order. */
export const systemResolve: Resolve = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** A name or address the importer may not connect to: "localhost resolves to 127.0.0.1, a loopback address". */
export class AddressRefusedError extends Error {
  override readonly name = 'AddressRefusedError';
  constructor(
    readonly refusal: AddressRefusal,
    /** The name that resolved to it; undefined for an IP literal. */
    readonly hostname: string | undefined,
  ) {
    super(hostname === undefined ? `${refusal.address} is ${refusal.what}` : `${hostname} resolves to ${refusal.address}, ${refusal.what}`);
  }
}

export function checkedLookup(resolve: Resolve, check: AddressCheck): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (found) => {
        const addresses = found.filter((a) => !options.family || a.family === options.family);
        if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
        for (const a of addresses) {
          const refusal = check(a.address, hostname);
          if (refusal !== undefined) return callback(new AddressRefusedError(refusal, hostname), '', 0);
        }
        if (options.all) return callback(null, addresses);
        callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}
