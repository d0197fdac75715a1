import { describe, expect, it } from 'vitest';
import { attr, escapeHtml, html, raw, SafeHtml } from '../../../src/http/views/html.js';

describe('html tagged template', () => {
  it('escapes every interpolated string', () => {
    const out = html`<p title="${'" onmouseover="x'}">${'<script>alert(1)</script>'}</p>`;
    expect(out).toBeInstanceOf(SafeHtml);
    expect(out.value).toBe('<p title="&quot; onmouseover=&quot;x">&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  });

  it('does not double-escape nested templates and joins arrays', () => {
    const items = ['a&b', '<i>'];
    const out = html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`;
    expect(out.value).toBe('<ul><li>a&amp;b</li><li>&lt;i&gt;</li></ul>');
  });

  it('renders null, undefined and false as nothing, numbers as text', () => {
    expect(html`${null}${undefined}${false}${0}${12.5}`.value).toBe('012.5');
  });

  it('lets raw() through and escapes quotes and backticks', () => {
    expect(html`${raw('<b>x</b>')}`.value).toBe('<b>x</b>');
    expect(escapeHtml(`'\`&`)).toBe('&#39;&#96;&amp;');
  });

  it('renders optional attributes', () => {
    expect(attr('required', true).value).toBe(' required');
    expect(attr('maxlength', 5).value).toBe(' maxlength="5"');
    expect(attr('x', null).value).toBe('');
    expect(attr('title', '"<').value).toBe(' title="&quot;&lt;"');
  });
});
