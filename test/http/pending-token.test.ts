import { describe, expect, it } from 'vitest';
import { pendingIdFrom, pendingToken } from '../../src/http/pages/pending-token.js';

const SECRET = 'test-secret-key-for-vitrina-tests-0123456789';
const id = '0192f4a1-7b2c-7d3e-8f40-123456789abc';
const form = { tenantId: 1, userId: 2, form: 'new' };

describe('pending upload tokens', () => {
  it('verify only for the tenant, user and form they were made for', () => {
    const token = pendingToken(SECRET, { ...form, id });
    expect(pendingIdFrom(SECRET, token, form)).toBe(id);
    expect(pendingIdFrom(SECRET, token, { ...form, tenantId: 3 })).toBeUndefined();
    expect(pendingIdFrom(SECRET, token, { ...form, userId: 3 })).toBeUndefined();
    expect(pendingIdFrom(SECRET, token, { ...form, form: '12' })).toBeUndefined();
    expect(pendingIdFrom('another-secret-key-0123456789-abcdefghij', token, form)).toBeUndefined();
  });

  it('refuse anything malformed or overlong before any MAC is made', () => {
    const token = pendingToken(SECRET, { ...form, id });
    const other = '0192f4a1-7b2c-7d3e-8f40-cba987654321';
    for (const bad of [
      undefined,
      '',
      '.',
      id,
      `${id}.`,
      `${other}${token.slice(id.length)}`,
      `${token}x`,
      'x'.repeat(10_000),
      `${id.toUpperCase()}${token.slice(id.length)}`,
    ])
      expect(pendingIdFrom(SECRET, bad, form)).toBeUndefined();
  });
});
