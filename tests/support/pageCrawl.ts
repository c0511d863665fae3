/**
 * A small crawler of server-rendered pages for the hygiene tests: a cookie jar, the same-origin
 * links and the forms of a page, and the text a reader sees (no tags, no head, no datalists).
 */

/** A browser of one: its cookies, every request without following redirects. */
export class Visitor {
  cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  async request(method: string, path: string, form?: Record<string, string>) {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const res = await fetch(`${this.base}${path}`, { method, headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const [name, value] = [pair!.slice(0, at), pair!.slice(at + 1)];
      if (value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, location: res.headers.get('location') ?? '', text: await res.text() };
  }
}

export interface PageForm {
  method: string;
  action: string;
  enctype: string;
  /** The names of its inputs, selects and textareas. */
  fields: string[];
  csrf: string | undefined;
}

const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
const unescape = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, '\u00a0');

export function formsOf(html: string): PageForm[] {
  const forms: PageForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const [, open, inner] = match as unknown as [string, string, string];
    const fields = [...inner.matchAll(/<(?:input|select|textarea)\b[^>]*>/g)]
      .map((m) => attr(m[0], 'name'))
      .filter((n): n is string => !!n);
    const csrf = /name="_csrf" value="([^"]*)"/.exec(inner)?.[1];
    forms.push({
      method: (attr(open, 'method') ?? 'get').toLowerCase(),
      action: unescape(attr(open, 'action') ?? ''),
      enctype: attr(open, 'enctype') ?? '',
      fields,
      csrf,
    });
  }
  return forms;
}

/** The same-origin addresses a page links to (paths, fragments dropped). */
export function linksOf(html: string): string[] {
  return [...html.matchAll(/<a\b[^>]*\shref="(\/[^"]*)"/g)]
    .map((m) => unescape(m[1]!).split('#')[0]!)
    .filter((h) => h && !h.startsWith('//'));
}

/** What a reader sees: the body's text, without tags, scripts, styles or datalists (suggestions, not text). */
export function visibleText(html: string): string {
  const body = html.slice(html.indexOf('<body'));
  return unescape(
    body
      .replace(/<(script|style|datalist)\b[\s\S]*?<\/\1>/g, ' ')
      .replace(/<[^>]+>/g, '\n')
      .replace(/[ \t]+/g, ' '),
  );
}
