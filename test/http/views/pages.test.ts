import { describe, expect, it } from 'vitest';
import { msg } from '../../../src/http/i18n/index.js';
import { errorPage } from '../../../src/http/views/error-page.js';
import { loginPage } from '../../../src/http/views/login.js';
import { productDetailPage } from '../../../src/http/views/product-detail.js';
import { signupPage } from '../../../src/http/views/signup.js';
import { ids, page, product, tagWithId } from './fixtures.js';

describe('layout (through the pages)', () => {
  it('has the document basics, assets, header and log-out with CSRF', () => {
    const doc = errorPage({ page: page(), status: 404 });
    expect(doc.startsWith('<!doctype html>')).toBe(true);
    expect(doc).toContain('<html lang="en">');
    expect(doc).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(doc).toContain('<link rel="stylesheet" href="/assets/app.css">');
    expect(doc).toContain('<script src="/assets/app.js" defer></script>');
    expect(doc).toContain('Acme');
    expect(doc).toMatch(/<form method="post" action="\/logout"[^>]*>\s*<input type="hidden" name="_csrf" value="tok-123">/);
    expect(doc).toContain('href="?lang=en"');
    expect(doc).toContain('href="?lang=es"');
  });

  it('shows no log-out when logged out, and flashes with the right roles', () => {
    const doc = loginPage({
      page: page({
        session: null,
        flash: [
          { kind: 'success', message: msg('flash.product_deleted') },
          { kind: 'error', message: 'Oops <b>' },
        ],
      }),
      email: '',
    });
    expect(doc).not.toContain('/logout');
    expect(doc).toContain('role="status">Product deleted</p>');
    expect(doc).toContain('role="alert">Oops &lt;b&gt;</p>');
  });
});

describe('loginPage', () => {
  it('keeps the email, shows the error as an alert and links to sign-up', () => {
    const doc = loginPage({ page: page({ session: null }), email: 'a@b.c"', error: msg('login.error_invalid') });
    expect(doc).toContain('action="/login"');
    expect(tagWithId(doc, 'email')).toContain('value="a@b.c&quot;"');
    expect(tagWithId(doc, 'password')).not.toContain('value="x');
    expect(doc).toContain('class="error-summary" role="alert"');
    expect(doc).toContain('<a href="#email">Wrong email or password</a>');
    expect(doc).toContain('href="/signup"');
    expect(doc).toContain('name="_csrf"');
  });
});

describe('signupPage', () => {
  it('ties field errors to fields and asks for 8+ characters', () => {
    const doc = signupPage({
      page: page({ session: null, locale: 'es' }),
      values: { tenant_name: 'Acme', email: 'bad', currency: 'EUR' },
      errors: { email: msg('error.email_invalid'), password: msg('error.password_too_short') },
    });
    expect(tagWithId(doc, 'tenant_name')).toContain('value="Acme"');
    expect(tagWithId(doc, 'password')).toContain('minlength="8"');
    expect(tagWithId(doc, 'password')).toContain('aria-describedby="password-hint password-error"');
    expect(tagWithId(doc, 'email')).toContain('aria-invalid="true"');
    expect(ids(doc).has('email-error')).toBe(true);
    expect(doc).toContain('La contraseña debe tener al menos 8 caracteres');
  });
});

describe('productDetailPage', () => {
  it('renders the medium image, fields, edit link and a confirmed delete form', () => {
    const doc = productDetailPage({ page: page(), product: { ...product({ name: '<script>alert(1)</script>' }), description: 'Fresh' } });
    expect(doc).not.toContain('<script>alert(1)');
    expect(doc).toMatch(/<img class="medium" src="[^"]+" srcset="[^"]+" sizes="[^"]+"/);
    expect(doc).toContain('href="/products/42/edit"');
    expect(doc).toMatch(
      /<form method="post" action="\/products\/42\/delete" class="inline-form" data-confirm="[^"]+">\s*<input type="hidden" name="_csrf" value="tok-123">/,
    );
    expect(doc).toContain('19.99 / kg');
    expect(doc).toContain('Fresh');
  });

  it('shows the processing placeholder', () => {
    const doc = productDetailPage({ page: page(), product: { ...product({ image: { status: 'processing' } }), description: null } });
    expect(doc).toContain('Processing…');
    expect(doc).toContain('No description');
  });
});

describe('errorPage', () => {
  it('shows the status, a human message and a link home', () => {
    const doc = errorPage({ page: page({ locale: 'es' }), status: 404 });
    expect(doc).toContain('Error 404');
    expect(doc).toContain('No encontramos esa página.');
    expect(doc).toContain('href="/"');
    expect(errorPage({ page: page(), status: 502, message: 'The object store <x>' })).toContain('The object store &lt;x&gt;');
    expect(errorPage({ page: page(), status: 418 })).toContain('The request was not valid.');
  });
});
