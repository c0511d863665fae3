/**
 * Run-wide setup: a heartbeat tap folder every control plane the suites start writes into (see
 * heartbeatTap.mjs), and at the end the privacy scan of everything appliances sent the vendor in
 * the whole run against the case data of every appliance the run created. The scan does not
 * depend on which tests ran or in what order; it fails the run (exit code 1) on a single finding.
 *
 * A scan that saw nothing proves nothing: when the run includes tests/appliance/privacy.test.ts
 * (the whole suite does), the scan also fails if it found no heartbeat or usage report from the
 * appliance software, or no case string. A targeted run of other files may well start no
 * appliance at all; there the scan says what it saw, and that it proves nothing when it saw
 * nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { allCaseStrings, applianceReports, emptyScan, findCaseData, fromAppliances, tappedBodies } from './privacyScan.js';

/** The test file whose scenario guarantees the run-wide scan has something to scan. */
const PRIVACY_TEST = path.resolve(import.meta.dirname, '../appliance/privacy.test.ts');

export default function setup(project: TestProject): () => void {
  const tapDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-heartbeat-tap-'));
  process.env.IAM_HEARTBEAT_TAP = tapDir;
  return () => {
    const bodies = fromAppliances(tappedBodies(tapDir));
    const { strings, appliances } = allCaseStrings(tapDir);
    const findings = findCaseData(bodies, strings);
    const sources = new Set(bodies.map((b) => b.source)).size;
    const reports = applianceReports(bodies).length;
    console.log(
      `privacy scan: ${bodies.length} appliance→vendor messages (enrollments, heartbeats, usage reports; ${reports} heartbeats and usage reports from the appliance software) received by ${sources} control planes, checked against ${strings.length} case strings from ${appliances} appliances: ${findings.length === 0 ? 'no case data found' : `${findings.length} FOUND`}`,
    );
    if (findings.length > 0) {
      for (const f of findings.slice(0, 50)) console.error(`privacy scan: case data sent to the vendor: ${f}`);
      process.exitCode = 1;
      return;
    }
    const gaps = emptyScan(bodies, strings);
    if (gaps.length > 0) {
      const required = project.vitest.state.getFiles().some((f) => path.resolve(f.filepath) === PRIVACY_TEST);
      for (const gap of gaps)
        console[required ? 'error' : 'log'](`privacy scan: ${gap}${required ? '' : ' (this run proves nothing about privacy)'}`);
      if (required) {
        console.error(
          `privacy scan FAILED: the run includes ${path.relative(process.cwd(), PRIVACY_TEST)}, whose scenario sends heartbeats and usage reports from an appliance holding cases, yet the scan saw none of it`,
        );
        process.exitCode = 1;
        return;
      }
    }
    fs.rmSync(tapDir, { recursive: true, force: true });
  };
}
