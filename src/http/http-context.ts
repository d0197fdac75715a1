/** What the routes of the full app are given: the runtime plus the HTTP layer's own helpers. */
import type { preHandlerAsyncHookHandler } from 'fastify';
import type { Runtime } from '../runtime.js';
import type { ImageUrls } from './media/image-urls.js';

export interface HttpContext extends Runtime {
  readonly urls: ImageUrls;
  /** preHandler: a logged-in person, or a redirect to /login. */
  readonly requireLogin: preHandlerAsyncHookHandler;
}
