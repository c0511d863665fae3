/**
 * Appliance versions are `x.y.z` with parts of at most 5 digits (semverSchema); as one number
 * they order numerically (1.10.0 > 1.9.3) and compare without splitting strings again.
 */
export function versionKey(version: string): number {
  const [x = 0, y = 0, z = 0] = version.split('.').map(Number);
  return (x * 100_000 + y) * 100_000 + z;
}

export function compareVersions(a: string, b: string): number {
  return Math.sign(versionKey(a) - versionKey(b));
}
