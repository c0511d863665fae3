/**
 * Calendar subscriptions: each user may have one secret feed URL (`/calendrier/<token>.ics`) that a
 * calendar client polls without a session. Only the token's SHA-256 is stored, so the URL is shown
 * once; creating a new one replaces the old, and revoking deletes it — the old URL stops at once.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '@iamanager/kernel/log';
import { openDocument, type Document } from '@iamanager/kernel/storage';

const feedsSchema = z.object({ feeds: z.array(z.object({ userId: z.string(), hash: z.string(), createdAt: z.string() })) });
type FeedsFile = z.infer<typeof feedsSchema>;

const TOKEN = /^[A-Za-z0-9_-]{32}$/;

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export class CalendarFeeds {
  private constructor(private readonly doc: Document<FeedsFile>) {}

  static async open(dataDir: string, log: Logger): Promise<CalendarFeeds> {
    return new CalendarFeeds(
      await openDocument<FeedsFile>(path.join(dataDir, 'calendar-feeds.json'), { feeds: [] }, { schema: feedsSchema, log, mode: 0o600 }),
    );
  }

  hasFeed(userId: string): boolean {
    return this.doc.data.feeds.some((f) => f.userId === userId);
  }

  /** A new secret token for `userId` (replacing any previous one); returned once. */
  async createFeed(userId: string, now: Date): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    this.doc.data.feeds = [
      ...this.doc.data.feeds.filter((f) => f.userId !== userId),
      { userId, hash: sha256(token), createdAt: now.toISOString() },
    ];
    await this.doc.write();
    return token;
  }

  async revokeFeed(userId: string): Promise<void> {
    this.doc.data.feeds = this.doc.data.feeds.filter((f) => f.userId !== userId);
    await this.doc.write();
  }

  /** The user a feed token belongs to, if it is a live one. */
  userForToken(token: string): string | undefined {
    if (!TOKEN.test(token)) return undefined;
    const hash = Buffer.from(sha256(token));
    return this.doc.data.feeds.find((f) => {
      const h = Buffer.from(f.hash);
      return h.length === hash.length && timingSafeEqual(h, hash);
    })?.userId;
  }

  flushed(): Promise<void> {
    return this.doc.adapter.flushed();
  }
}
