/** Reading pages and following the image URLs they contain, on either stack. */
import type { TestApp } from './app-harness.js';

/** Undoes the HTML escaping of an attribute value. */
export function unescapeHtml(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#96;/g, '`');
}

/** Every URL in the page's `src` and `srcset` attributes of <img> elements. */
export function imageUrls(html: string): string[] {
  const urls: string[] = [];
  for (const m of html.matchAll(/<img\b[^>]*>/g)) {
    const tag = m[0];
    const src = /\ssrc="([^"]*)"/.exec(tag);
    if (src) urls.push(unescapeHtml(src[1]!));
    const srcset = /\ssrcset="([^"]*)"/.exec(tag);
    if (srcset) for (const entry of unescapeHtml(srcset[1]!).split(', ')) urls.push(entry.split(' ')[0]!);
  }
  return [...new Set(urls)];
}

export interface FetchedObject {
  status: number;
  headers: Record<string, string>;
  bytes: Buffer;
}

/**
 * GETs an image URL as a browser would: a URL on the app (local driver, app-served media) goes
 * through `app.inject`, anything else (S3 signed or public URLs) over HTTP.
 */
export async function fetchUrl(t: TestApp, url: string): Promise<FetchedObject> {
  const parsed = new URL(url);
  if (parsed.origin === new URL(t.config.appUrl).origin) {
    const res = await t.app.inject({ method: 'GET', url: parsed.pathname + parsed.search });
    return { status: res.statusCode, headers: res.headers as Record<string, string>, bytes: res.rawPayload };
  }
  const res = await fetch(url);
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => (headers[k] = v));
  return { status: res.status, headers, bytes: Buffer.from(await res.arrayBuffer()) };
}
