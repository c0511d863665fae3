/**
 * A browser without a browser for page tests: keeps every cookie the appliance sets (the session,
 * the pre-session CSRF cookie, the pending login), reads the CSRF token of the page it last
 * fetched, and posts forms the way a page does. Redirects are not followed: tests assert them.
 */
export interface PageAnswer {
  status: number;
  html: string;
  location: string | null;
}

export class WebVisitor {
  readonly cookies = new Map<string, string>();
  /** The `_csrf` field of the last page fetched (a session's token, or the pre-session one). */
  csrf = '';

  constructor(public url: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(path: string, form?: Record<string, string>): Promise<PageAnswer> {
    const res = await fetch(`${this.url}${path}`, {
      method: form ? 'POST' : 'GET',
      headers: {
        ...(this.cookies.size > 0 ? { cookie: this.cookieHeader() } : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams(form) : undefined,
      redirect: 'manual',
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const html = await res.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (csrf) this.csrf = csrf;
    return { status: res.status, html, location: res.headers.get('location') };
  }

  get(path: string): Promise<PageAnswer> {
    return this.request(path);
  }

  /** Posts a form with the CSRF token of the last page fetched. */
  post(path: string, fields: Record<string, string>): Promise<PageAnswer> {
    return this.request(path, { _csrf: this.csrf, ...fields });
  }

  /** The password step of the login page: where it sends the browser. */
  async logIn(email: string, password: string): Promise<string | null> {
    await this.get('/connexion');
    const sent = await this.post('/connexion', { email, password });
    return sent.location;
  }
}

/** HTML text as read: the entities preact escapes turned back into characters. */
export function decodeHtml(html: string): string {
  return html
    .replace(/&amp;/g, '&')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}
