/**
 * "No English on a Spanish page": two detectors run over what a Spanish page shows.
 *
 * (a) Every English message (src/http/i18n/messages.ts `en`) whose Spanish text differs is
 *     split at its `{placeholders}`; each fragment of two words or more must not appear in the
 *     page (a fragment that some Spanish text also contains is left out: it proves nothing).
 * (b) Common English words that Spanish never uses as whole words ("the", "your", "please"…)
 *     must not appear either. test/http/spanish-pages.test.ts checks that no Spanish message
 *     contains one of them, so the list stays honest as messages are added.
 *
 * What is checked: the visible text (and the document title) and the texts people get from
 * attributes — title, alt, aria-label, placeholder, a button's value, the messages the script
 * shows (`data-msg-*`, `data-confirm`). An element marked with another language (the
 * language switch's `<a lang="en">English</a>`) is skipped, as a screen reader would switch
 * voice for it. Text a user typed (product names) is the test's own choice: use Spanish.
 *
 * @example
 *   const findings = findEnglish(pageTextsFromHtml(res.body));
 *   expect(describeFindings(findings)).toEqual([]);
 */
import type { Page } from 'playwright-core';
import { isCurrencyCode } from '../../src/catalog/currency.js';
import { en, es } from '../../src/http/i18n/index.js';

/** What a page says, as the detectors read it. */
export interface PageTexts {
  /** The `lang` of the document element ('' if none). */
  documentLang: string;
  /** Visible text nodes (and the title), in document order. */
  text: string[];
  /** Attribute texts a person reads or hears. */
  attributes: string[];
}

export interface EnglishFinding {
  detector: 'document-lang' | 'message' | 'word';
  where: 'document' | 'text' | 'attribute';
  /** The English fragment or word found. */
  found: string;
  /** The text around it (up to 120 characters). */
  context: string;
}

/**
 * Words English uses all the time and Spanish never does as a whole word. Not "a", "no",
 * "me", "once", "son", "he", "sin", "con", "come", "total", "error", "local", "stock" (a Spanish loanword) or "API": those
 * are Spanish too, or shared.
 */
export const ENGLISH_WORDS: readonly string[] = [
  'the',
  'and',
  'your',
  'you',
  'with',
  'this',
  'that',
  'please',
  'enter',
  'must',
  'should',
  'not',
  'file',
  'image',
  'images',
  'price',
  'product',
  'products',
  'name',
  'password',
  'email',
  'log',
  'sign',
  'save',
  'cancel',
  'edit',
  'delete',
  'search',
  'clear',
  'next',
  'previous',
  'back',
  'create',
  'new',
  'choose',
  'upload',
  'remove',
  'change',
  'settings',
  'team',
  'trash',
  'restore',
  'invite',
  'language',
  'page',
  'of',
  'to',
  'is',
  'are',
  'for',
  'from',
  'or',
  'in',
  'on',
  'at',
  'by',
  'it',
  'be',
  'an',
  'yet',
  'there',
  'here',
  'too',
  'large',
  'unit',
  'description',
  'optional',
  'required',
  'invalid',
  'account',
  'shop',
  'company',
  'low',
  'sort',
  'show',
  'view',
  'table',
  'grid',
  'link',
  'member',
  'members',
  'owner',
  'role',
  'key',
  'keys',
  'currency',
  'default',
  'reset',
  'expires',
  'expired',
  'processing',
  'uploading',
  'updated',
  'created',
  'deleted',
  'welcome',
  'again',
  'try',
  'wrong',
  'went',
  'something',
  'could',
  'found',
];

const WORD_CHAR = /[\p{L}\p{N}_]/u;

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && WORD_CHAR.test(ch);
}

/** Collapses white space; lower-cases for comparison. */
function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * What is not language: addresses shown on a page (an invite link: a random token may spell
 * "to") and currency codes in capitals (the currency list's "Lira turca (TRY)").
 */
function withoutCodes(text: string): string {
  return text.replace(/https?:\/\/\S+/g, ' ').replace(/\b[A-Z]{3}\b/g, (code) => (isCurrencyCode(code) ? ' ' : code));
}

/** Where `needle` occurs in `hay` as whole words (not inside a longer word), or -1. */
function indexOfWhole(hay: string, needle: string): number {
  for (let from = 0; ;) {
    const at = hay.indexOf(needle, from);
    if (at === -1) return -1;
    const before = hay[at - 1];
    const after = hay[at + needle.length];
    const startOk = !isWordChar(needle[0]) || !isWordChar(before);
    const endOk = !isWordChar(needle[needle.length - 1]) || !isWordChar(after);
    if (startOk && endOk) return at;
    from = at + 1;
  }
}

/** Whether `text` contains `word` as a whole word (case-insensitive). */
export function containsWord(text: string, word: string): boolean {
  return indexOfWhole(normalise(text), word.toLowerCase()) !== -1;
}

/**
 * The English fragments detector (a) looks for: each English text that differs from its
 * Spanish one, split at `{placeholders}`, trimmed of edge punctuation, of two words or more,
 * and found in no Spanish text.
 */
export function englishFragments(english: Record<string, string> = en, spanish: Record<string, string> = es): string[] {
  const spanishTexts = Object.values(spanish).map(normalise);
  const fragments = new Set<string>();
  for (const [key, text] of Object.entries(english)) {
    if (text === spanish[key]) continue;
    for (const piece of text.split(/\{\w+\}/)) {
      const fragment = trimPunctuation(normalise(piece));
      if (fragment.split(' ').length < 2) continue;
      if (spanishTexts.some((s) => indexOfWhole(s, fragment) !== -1)) continue;
      fragments.add(fragment);
    }
  }
  return [...fragments];
}

const EDGE_PUNCTUATION = new Set([...' .,:;!?()“”«»"\'-…']);

function trimPunctuation(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && EDGE_PUNCTUATION.has(text[start]!)) start++;
  while (end > start && EDGE_PUNCTUATION.has(text[end - 1]!)) end--;
  return text.slice(start, end);
}

let cachedFragments: string[] | undefined;

function around(text: string, at: number, length: number): string {
  return text.slice(Math.max(0, at - 40), at + length + 40);
}

/** Runs both detectors over a page's texts; an empty list means no English was found. */
export function findEnglish(page: PageTexts, fragments: readonly string[] = (cachedFragments ??= englishFragments())): EnglishFinding[] {
  const findings: EnglishFinding[] = [];
  if (!page.documentLang.toLowerCase().startsWith('es')) {
    findings.push({
      detector: 'document-lang',
      where: 'document',
      found: page.documentLang,
      context: `<html lang="${page.documentLang}">`,
    });
  }
  const sources: { where: 'text' | 'attribute'; text: string }[] = [
    { where: 'text', text: normalise(withoutCodes(page.text.join(' '))) },
    ...page.attributes.map((a) => ({ where: 'attribute' as const, text: normalise(withoutCodes(a)) })),
  ];
  for (const { where, text } of sources) {
    if (text === '') continue;
    for (const fragment of fragments) {
      const at = indexOfWhole(text, fragment);
      if (at !== -1) findings.push({ detector: 'message', where, found: fragment, context: around(text, at, fragment.length) });
    }
    for (const word of ENGLISH_WORDS) {
      const at = indexOfWhole(text, word);
      if (at !== -1) findings.push({ detector: 'word', where, found: word, context: around(text, at, word.length) });
    }
  }
  return findings;
}

/** One readable line per finding, for `expect(...).toEqual([])` messages. */
export function describeFindings(findings: readonly EnglishFinding[]): string[] {
  return findings.map((f) => `${f.detector} in ${f.where}: "${f.found}" — …${f.context}…`);
}

// ---------------------------------------------------------------------------------------------
// Reading a page: from the HTML the server sent (app.inject), or from the live DOM (a browser).

const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const RAW_TEXT_ELEMENTS = new Set(['script', 'style', 'template']);
const READ_ATTRIBUTES = new Set(['title', 'alt', 'aria-label', 'placeholder', 'data-confirm']);
const BUTTON_INPUT_TYPES = new Set(['submit', 'button', 'reset']);

function unescapeHtml(text: string): string {
  return text.replace(/&(#\d{1,7}|#x[\da-f]{1,6}|[a-z]{2,8});/gi, (whole, entity: string) => {
    if (entity[0] === '#') {
      const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : Number(entity.slice(1));
      return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
    }
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
    return named[entity.toLowerCase()] ?? whole;
  });
}

/** The script's messages are templates ("Elegido: {name}"): the placeholders are not words. */
function withoutPlaceholders(text: string): string {
  return text.replace(/\{\w+\}/g, ' ');
}

function parseAttributes(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const m of source.matchAll(/([^\s"'=<>/`]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    attributes.set(m[1]!.toLowerCase(), unescapeHtml(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return attributes;
}

function isOtherLanguage(lang: string | undefined): boolean {
  return lang !== undefined && lang !== '' && !lang.toLowerCase().startsWith('es');
}

/**
 * The texts of a page's HTML, read by a small tokenizer (no DOM on the server side). Stricter
 * than the browser: text in `hidden` elements counts too (the script may show it later).
 */
export function pageTextsFromHtml(html: string): PageTexts {
  const text: string[] = [];
  const attributes: string[] = [];
  const stack: { tag: string; lang: string | undefined }[] = [];
  let documentLang = '';
  // The innermost element with a `lang` decides; the document element's is reported on its own.
  const skipped = () => {
    for (let k = stack.length - 1; k >= 1; k--) if (stack[k]!.lang !== undefined) return isOtherLanguage(stack[k]!.lang);
    return false;
  };
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    const end = lt === -1 ? html.length : lt;
    if (end > i && !skipped()) text.push(unescapeHtml(html.slice(i, end)));
    if (lt === -1) break;
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      i = close === -1 ? html.length : close + 3;
      continue;
    }
    const gt = html.indexOf('>', lt);
    if (gt === -1) break;
    const inside = html.slice(lt + 1, gt);
    i = gt + 1;
    if (inside.startsWith('!') || inside.startsWith('?')) continue;
    if (inside.startsWith('/')) {
      const name = inside.slice(1).trim().toLowerCase();
      for (let k = stack.length - 1; k >= 0; k--) {
        if (stack[k]!.tag !== name) continue;
        stack.length = k;
        break;
      }
      continue;
    }
    const name = /^[a-z][\w-]*/i.exec(inside)?.[0].toLowerCase();
    if (name === undefined) continue;
    if (RAW_TEXT_ELEMENTS.has(name)) {
      const close = html.toLowerCase().indexOf(`</${name}`, i);
      i = close === -1 ? html.length : close;
      continue;
    }
    const attrs = parseAttributes(inside.slice(name.length));
    const element = { tag: name, lang: attrs.get('lang') };
    if (name === 'html') documentLang = element.lang ?? '';
    const selfClosing = VOID_ELEMENTS.has(name) || inside.endsWith('/');
    if (!selfClosing) stack.push(element);
    if (skipped() || (selfClosing && isOtherLanguage(element.lang) && name !== 'html')) continue;
    for (const [attr, value] of attrs) {
      const isButtonValue =
        attr === 'value' && (name === 'button' || (name === 'input' && BUTTON_INPUT_TYPES.has(attrs.get('type') ?? '')));
      if (READ_ATTRIBUTES.has(attr) || isButtonValue) attributes.push(value);
      else if (attr.startsWith('data-msg')) attributes.push(withoutPlaceholders(value));
    }
  }
  return { documentLang, text, attributes };
}

/** The texts of the page as the browser shows it now: visible text nodes, the title, attributes. */
export async function pageTextsInBrowser(page: Page): Promise<PageTexts> {
  return page.evaluate(() => {
    const otherLanguage = (el: Element | null): boolean => {
      const marked = el?.closest('body [lang]');
      const lang = marked?.getAttribute('lang') ?? '';
      return lang !== '' && !lang.toLowerCase().startsWith('es');
    };
    const text: string[] = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      const el = node.parentElement;
      if (el === null || el.closest('script, style, template') !== null || otherLanguage(el)) continue;
      if (!el.checkVisibility()) continue;
      text.push((node as Text).data);
    }
    const attributes: string[] = [];
    const read = ['title', 'alt', 'aria-label', 'placeholder', 'data-confirm'];
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      if (otherLanguage(el)) continue;
      for (const attr of Array.from(el.attributes)) {
        const isButtonValue =
          attr.name === 'value' &&
          (el.tagName === 'BUTTON' || (el.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes((el as HTMLInputElement).type)));
        if (read.includes(attr.name) || isButtonValue) attributes.push(attr.value);
        // The script's messages are templates: "Elegido: {name}".
        else if (attr.name.startsWith('data-msg')) attributes.push(attr.value.replace(/\{\w+\}/g, ' '));
      }
    }
    return { documentLang: document.documentElement.lang, text, attributes };
  });
}
