/**
 * Run-wide setup: a heartbeat tap folder every control plane the suites start writes into (see
 * heartbeatTap.mjs), and at the end the privacy scan of everything appliances sent the vendor in
 * the whole run against the case data of every appliance the run created. The scan does not
 * depend on which tests ran or in what order; it fails the run (exit code 1) on a single finding.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allCaseStrings, findCaseData, fromAppliances, tappedBodies } from './privacyScan.js';

export default function setup(): () => void {
  const tapDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-heartbeat-tap-'));
  process.env.IAM_HEARTBEAT_TAP = tapDir;
  return () => {
    const bodies = fromAppliances(tappedBodies(tapDir));
    const { strings, appliances } = allCaseStrings(tapDir);
    const findings = findCaseData(bodies, strings);
    const sources = new Set(bodies.map((b) => b.source)).size;
    console.log(`privacy scan: ${bodies.length} appliance→vendor messages (enrollments, heartbeats, usage reports) received by ${sources} control planes, checked against ${strings.length} case strings from ${appliances} appliances: ${findings.length === 0 ? 'no case data found' : `${findings.length} FOUND`}`);
    if (findings.length > 0) {
      for (const f of findings.slice(0, 50)) console.error(`privacy scan: case data sent to the vendor: ${f}`);
      process.exitCode = 1;
      return;
    }
    fs.rmSync(tapDir, { recursive: true, force: true });
  };
}
