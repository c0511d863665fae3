/**
 * An HTTP client that goes where a browser would: it follows redirects one by one across sites,
 * keeps each site's cookies (by host and port, whatever their path or SameSite: the tests check
 * what the servers decide, not the browser's cookie rules), and submits the forms of the pages it
 * lands on. What the single sign-on tests drive the appliance and the provider with.
 */
export interface Landing {
  status: number;
  url: string;
  body: string;
  headers: Headers;
  /** Every address visited, in order, the last one included. */
  trail: string[];
}

export class CookieClient {
  readonly jar = new Map<string, Map<string, string>>();

  cookie(origin: string, name: string): string | undefined {
    return this.jar.get(new URL(origin).host)?.get(name);
  }

  setCookie(origin: string, name: string, value: string): void {
    const host = new URL(origin).host;
    if (!this.jar.has(host)) this.jar.set(host, new Map());
    this.jar.get(host)!.set(name, value);
  }

  /** One request, no redirect followed. */
  async request(
    url: string,
    init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const host = new URL(url).host;
    const cookies = [...(this.jar.get(host) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: {
        ...(cookies ? { cookie: cookies } : {}),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...init.headers,
      },
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = value === '' || attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0\b/i.test(a));
      if (!this.jar.has(host)) this.jar.set(host, new Map());
      if (expired) this.jar.get(host)!.delete(name);
      else this.jar.get(host)!.set(name, value);
    }
    return res;
  }

  /**
   * Follows the redirects from `url` (at most 20) and returns where it landed; with `stopAt`, stops
   * before requesting the first address it matches (the landing's `url`, status 0).
   */
  async go(
    url: string,
    init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
    stopAt?: (url: URL) => boolean,
  ): Promise<Landing> {
    const trail: string[] = [];
    let current = url;
    let next: typeof init | undefined = init;
    for (let hop = 0; hop < 20; hop += 1) {
      trail.push(current);
      if (stopAt?.(new URL(current))) return { status: 0, url: current, body: '', headers: new Headers(), trail };
      const res = await this.request(current, next);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.arrayBuffer();
        current = new URL(location, current).href;
        next = undefined;
        continue;
      }
      return { status: res.status, url: current, body: await res.text(), headers: res.headers, trail };
    }
    throw new Error(`more than 20 redirects from ${url}: ${trail.join(' → ')}`);
  }

  /** Submits the first form of `page` whose action matches `action`, with `fields` (hidden inputs of the form included). */
  async submit(page: Landing, fields: Record<string, string>, action?: RegExp, stopAt?: (url: URL) => boolean): Promise<Landing> {
    const forms = [...page.body.matchAll(/<form\b[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
    const form = forms.find((f) => (action ? action.test(f[1]!) : true));
    if (!form) throw new Error(`no form${action ? ` matching ${action}` : ''} on ${page.url}:\n${page.body.slice(0, 2000)}`);
    const hidden: Record<string, string> = {};
    for (const input of form[2]!.matchAll(/<input\b[^>]*>/g)) {
      const name = /name="([^"]*)"/.exec(input[0])?.[1];
      const value = /value="([^"]*)"/.exec(input[0])?.[1];
      if (name && value !== undefined && /type="hidden"/.test(input[0])) hidden[name] = decodeEntities(value);
    }
    return this.go(new URL(decodeEntities(form[1]!), page.url).href, { form: { ...hidden, ...fields } }, stopAt);
  }
}

function decodeEntities(s: string): string {
  return s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#x2F;/g, '/')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}
