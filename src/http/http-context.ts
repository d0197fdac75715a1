/** What the routes of the full app are given: the runtime plus the HTTP layer's own helpers. */
import type { preHandlerAsyncHookHandler } from 'fastify';
import type { Semaphore } from '../media/semaphore.js';
import type { Runtime } from '../runtime.js';
import type { LoginThrottle } from '../tenancy/login-throttle.js';
import type { PasswordHashing } from '../tenancy/password-hashing.js';
import type { SessionStore } from '../tenancy/session-store.js';
import type { SignUpThrottle } from '../tenancy/signup-throttle.js';
import type { ImageUrls } from './media/image-urls.js';

export interface HttpContext extends Runtime {
  readonly urls: ImageUrls;
  /** preHandler: a logged-in person, or a redirect to /login. */
  readonly requireLogin: preHandlerAsyncHookHandler;
  /** Sessions: started at log-in and sign-up, ended at log-out, looked up by `requireLogin`. */
  readonly sessions: SessionStore;
  /** Log-in attempts per account and address: how long the next attempt must wait. */
  readonly loginThrottle: LoginThrottle;
  /** Sign-ups per address: how long the next must wait. */
  readonly signUpThrottle: SignUpThrottle;
  /** Password hashing, a few at a time (a burst of log-ins must not starve file reads). */
  readonly passwords: PasswordHashing;
  /** The uploads' request-time decodes (media/decode-check.ts): a few at a time, a bounded queue (media/decode-slots.ts). */
  readonly uploadDecodes: Semaphore;
}
