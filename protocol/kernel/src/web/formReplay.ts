/**
 * Redirect after a refused form (POST → 303 → GET). A form that fails is not rendered at the
 * POST's address — a reload there posts it again, and the address bar keeps an address nobody
 * can bookmark — but kept here for the next GET of the form's page by the same browser, which
 * shows the values and their errors once.
 *
 * In memory, bounded and short-lived on purpose: what is kept is a failed attempt, never data
 * the product saved, so a restart between the two requests costs the visitor a retyped form at
 * worst. Secrets (passwords, tokens) are never kept: the visitor types them again.
 */

export interface FieldIssue {
  field: string;
  message: string;
}

/** What the form's page shows again: the values sent back, the errors, an optional page-level message. */
export interface ReplayedForm {
  values: Record<string, string>;
  errors: FieldIssue[];
  /** An error for the whole form (e.g. "the license refuses it"), shown above the fields. */
  message?: string;
  /** What the page says once after a post that was done (a test mail's answer, "saved"). */
  notice?: { kind: 'ok' | 'error'; text: string };
}

export interface FormReplayLimits {
  /** Kept attempts at most; the oldest goes first (a visitor flooding forms only loses their own). */
  maxEntries: number;
  /** How long an attempt waits for its GET. */
  ttlMs: number;
}

export const FORM_REPLAY_LIMITS: FormReplayLimits = { maxEntries: 2_000, ttlMs: 10 * 60_000 };

/** Field names whose values are never kept: a password or token is typed again. */
const SECRET_FIELD = /pass|secret|token|csrf|otp|code_?totp/i;

/** Bounded copy of what a visitor sent, without secrets (each value at most 20 000 characters). */
export function replayableValues(values: Readonly<Record<string, string>>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(values).slice(0, 200)) {
    if (!SECRET_FIELD.test(name)) kept[name] = value.slice(0, 20_000);
  }
  return kept;
}

export class FormReplays {
  private readonly entries = new Map<string, { form: ReplayedForm; expires: number }>();

  constructor(
    private readonly now: () => Date,
    private readonly limits: FormReplayLimits = FORM_REPLAY_LIMITS,
  ) {}

  /**
   * Keeps `form` for `owner` (a session id, or the pre-session cookie before login) and the page
   * `path` it goes back to. A newer attempt on the same page replaces the older one.
   */
  keep(owner: string, path: string, form: ReplayedForm): void {
    const key = keyOf(owner, path);
    this.entries.delete(key);
    this.entries.set(key, {
      form: { ...form, values: replayableValues(form.values), errors: form.errors.slice(0, 100) },
      expires: this.now().getTime() + this.limits.ttlMs,
    });
    this.prune();
  }

  /** The kept attempt for this owner and page, once: a second GET (a reload) shows the page afresh. */
  take(owner: string, path: string): ReplayedForm | undefined {
    const key = keyOf(owner, path);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    return entry.expires > this.now().getTime() ? entry.form : undefined;
  }

  get size(): number {
    return this.entries.size;
  }

  private prune(): void {
    const now = this.now().getTime();
    for (const [key, entry] of this.entries) {
      if (entry.expires <= now) this.entries.delete(key);
    }
    // Map iteration is insertion order: the first keys are the oldest.
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.limits.maxEntries) break;
      this.entries.delete(key);
    }
  }
}

/** The NUL byte cannot appear in a cookie value nor in a path, so no two (owner, path) pairs collide. */
const keyOf = (owner: string, path: string) => `${owner}\u0000${path}`;
