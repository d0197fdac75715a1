export * from './object-store.js';
export * from './storage-error.js';
export * from './keys.js';
export * from './key-locator.js';
export * from './store.js';
