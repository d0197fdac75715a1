/**
 * What the web server says once, as it is built, about settings that leave something off or
 * open: /metrics served nowhere (and how to serve it), and TRUST_PROXY=true, which believes the
 * leftmost X-Forwarded-For entry — written by the client — so every request may pick its own
 * address (a fresh one each time slips past the per-address log-in throttle and forges logs).
 *
 * @example
 *   logStartUpNotes(config, logger);   // info: "/metrics is not served: set METRICS_TOKEN …"
 */
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { METRICS_OFF_MESSAGE } from './metrics-access.js';

export const TRUST_ANY_PROXY_MESSAGE =
  'TRUST_PROXY=true believes any X-Forwarded-For, so a client can choose its own address (and slip past the per-address log-in throttle): ' +
  'set TRUST_PROXY to the number of proxies in front (e.g. 1) or to their addresses';

export function logStartUpNotes(config: Pick<Config, 'metrics' | 'http'>, logger: Logger): void {
  if (config.metrics.token === undefined && config.metrics.port === undefined) logger.info({ event: 'metrics-off' }, METRICS_OFF_MESSAGE);
  if (config.http.trustProxy === true) logger.warn({ event: 'trust-any-proxy' }, TRUST_ANY_PROXY_MESSAGE);
}
