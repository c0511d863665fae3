import { defineConfig } from 'vitest/config';

// Tests import the packages by name; the `source` export condition makes vitest load their
// TypeScript sources directly, while spawned server processes run the compiled `dist/`.
export default defineConfig({
  root: new URL('..', import.meta.url).pathname,
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'tests/image/**'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // The heartbeat tap and the run-wide privacy scan of what appliances send the vendor.
    globalSetup: ['tests/support/globalSetup.ts'],
    reporters: ['default'],
  },
});
