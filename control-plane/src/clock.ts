/** The control plane's notion of "now", shifted by CLOCK_OFFSET_SECONDS in tests only. */
export type Clock = () => Date;

export function createClock(offsetSeconds = 0): Clock {
  if (offsetSeconds === 0) return () => new Date();
  return () => new Date(Date.now() + offsetSeconds * 1000);
}

export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
