/** The one email check (sign-up form, signUp, CLI): length first, then zod's email pattern. */
import { describe, expect, it } from 'vitest';
import { isEmailAddress, MAX_EMAIL_LENGTH } from '../../src/tenancy/email-address.js';
import { signUpProblem } from '../../src/tenancy/tenancy.service.js';

describe('isEmailAddress', () => {
  it.each(['ana@example.com', 'ana.garcia+shop@mail.example.co', 'A_B-c@sub-1.example.org'])('accepts %j', (email) => {
    expect(isEmailAddress(email)).toBe(true);
  });

  it.each([
    '',
    'ana',
    'ana@',
    '@example.com',
    'ana@example',
    'ana@@example.com',
    'an a@example.com',
    'ana@exa mple.com',
    'a@b..com',
    `a@${'.'.repeat(40)}@`,
  ])('refuses %j', (email) => {
    expect(isEmailAddress(email)).toBe(false);
  });

  it('refuses an address longer than 254 characters before any pattern sees it', () => {
    const at254 = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
    expect(at254.length).toBe(MAX_EMAIL_LENGTH);
    expect(isEmailAddress(at254)).toBe(true);
    expect(isEmailAddress(`a${at254}`)).toBe(false);
    expect(signUpProblem({ tenantName: 'Acme', email: `a${at254}`, password: 'correct horse battery' })).toBe(
      'That email address is too long.',
    );
    expect(signUpProblem({ tenantName: 'Acme', email: 'ana@', password: 'correct horse battery' })).toBe(
      'Enter a valid email address, such as ana@example.com.',
    );
  });
});
