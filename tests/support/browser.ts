/**
 * A real browser for tests: Debian's Chromium (/usr/bin/chromium, never a downloaded one) driven by
 * playwright-core, headless, with a fresh empty profile per launch. Pages opened here record
 * console errors and failed requests so a test can assert there were none; `checkA11y` runs
 * axe-core in the page; `screenshot` saves under tests/output/screenshots/ (git-ignored).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../output/screenshots');
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface TestBrowser {
  context: BrowserContext;
  /** A new tab; its console errors and page errors are collected in `problems`. */
  newPage(): Promise<Page>;
  /** Console errors, uncaught page errors and failed requests seen so far, in every tab. */
  problems: string[];
  close(): Promise<void>;
}

/** `ignoreHTTPSErrors` for a server whose certificate comes from a CA this fresh profile does not trust. */
export async function launchBrowser(
  options: { acceptDownloads?: boolean; locale?: string; ignoreHTTPSErrors?: boolean } = {},
): Promise<TestBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  // A new empty profile each time (playwright takes it as launchPersistentContext's directory).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    acceptDownloads: options.acceptDownloads ?? true,
    ignoreHTTPSErrors: options.ignoreHTTPSErrors ?? false,
    locale: options.locale ?? 'fr-FR',
    viewport: { width: 1280, height: 900 },
  });
  const problems: string[] = [];
  return {
    context,
    problems,
    async newPage() {
      const page = await context.newPage();
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(`console: ${msg.text()} (${page.url()})`);
      });
      page.on('pageerror', (err) => problems.push(`pageerror: ${err.message} (${page.url()})`));
      page.on('requestfailed', (req) => {
        // A download navigated away from is reported as aborted: that is not a failure.
        if (req.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`requestfailed: ${req.url()} ${req.failure()?.errorText ?? ''}`);
      });
      return page;
    },
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; html: string }>;
}

/** Runs axe-core (WCAG 2.x A and AA rules) in the page and returns its violations. */
export async function checkA11y(page: Page): Promise<AxeViolation[]> {
  // Injected through the DevTools protocol, so a page's CSP (script-src 'self') does not block it.
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html })),
    }));
  });
}

/** A readable summary of violations, for assertion messages. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.html).join('\n  ')}`).join('\n');
}

/** Saves a full-page screenshot as tests/output/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** What every browser test does on each page it reaches: a screenshot, then no axe-core violation. */
export async function checkPage(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  const violations = await checkA11y(page);
  expect(violations, describeViolations(violations)).toEqual([]);
}

/** An element's text with its whitespace runs made single spaces, for matching what a reader sees. */
export async function textOf(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ');
}
