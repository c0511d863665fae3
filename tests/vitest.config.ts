import { defineConfig } from 'vitest/config';

// Tests import the packages by name; the `source` export condition makes vitest load their
// TypeScript sources directly, while spawned server processes run the compiled `dist/`.
const resolve = { conditions: ['source'] };

/**
 * Files that kill, crash or starve processes in loops and report restart times: they run alone,
 * after everything else, so that another file's load neither slows their loops nor blurs the
 * figures they print (docs/reliability.md).
 */
const ALONE = ['tests/reliability/**/*.test.ts', 'tests/kernel/storage-crash.test.ts'];

/**
 * The control plane's suites, run a second time on PostgreSQL (`CP_TEST_BACKEND=postgres`: each
 * DATA_DIR gets its own database on one throw-away cluster per file, tests/support/controlPlane.ts):
 * one contract, two implementations (docs/control-plane-postgres.md, step 5). The hostile files
 * listed are those that attack the control plane; the others attack the appliance and only enroll
 * it, fuzz.test.ts checks DATA_DIR's files byte for byte, and billingClose.test.ts plants its bad
 * record by editing an appliance file and quarantines files (its PostgreSQL variant is still to write).
 */
const ON_POSTGRES = [
  'tests/control-plane/*.test.ts',
  'tests/control-plane/billing/*.test.ts',
  'tests/control-plane/web/*.test.ts',
  'tests/hostile/{auditAnchors,authorization,heartbeats,licenseDetection,loginLockout,metricsToken,usageBounds,vendorAdmins}.test.ts',
];

const shared = {
  testTimeout: 180_000,
  hookTimeout: 300_000,
  pool: 'forks' as const,
};

// Three groups run one after the other. Most files wait on the servers they start (HTTP, disk,
// fsync, child processes), so two of them at a time keep both cores of a CI machine busy; then the
// control plane's files again on PostgreSQL, two at a time; the heavy ones then run one at a time.
// The run-wide setup stays at the root: it must run once for every group.
export default defineConfig({
  root: new URL('..', import.meta.url).pathname,
  resolve,
  ssr: { resolve },
  test: {
    // The heartbeat tap and the run-wide privacy scan of what appliances send the vendor.
    globalSetup: ['tests/support/globalSetup.ts'],
    reporters: ['default'],
    projects: [
      {
        resolve,
        ssr: { resolve },
        test: {
          ...shared,
          name: 'together',
          include: ['tests/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'tests/image/**', ...ALONE],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        resolve,
        ssr: { resolve },
        test: {
          ...shared,
          name: 'postgres',
          include: ON_POSTGRES,
          exclude: ['**/node_modules/**'],
          env: { CP_TEST_BACKEND: 'postgres' },
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        resolve,
        ssr: { resolve },
        test: {
          ...shared,
          name: 'alone',
          include: ALONE,
          exclude: ['**/node_modules/**'],
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
