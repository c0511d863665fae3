/**
 * What a command prints: with --json the result itself (pretty, for people reading scripts' logs
 * too); otherwise its text, the doctor's checks one per line, or the result as JSON.
 */
export function printResult(result: unknown, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  if (result && typeof result === 'object' && 'checks' in result) {
    for (const c of (result as { checks: Array<{ check: string; ok: boolean; detail: string }> }).checks)
      console.log(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.check}: ${c.detail}`);
    return;
  }
  console.log(typeof result === 'string' ? result : JSON.stringify(result, null, 2));
}
