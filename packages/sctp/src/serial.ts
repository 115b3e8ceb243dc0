/**
 * Serial number arithmetic (RFC 1982, used by RFC 9260 §1.6 for TSNs and §6.5 for SSNs):
 * comparisons that survive wrap-around of 32-bit TSNs and 16-bit SSNs.
 */

/** `a < b` for 32-bit serial numbers. */
export function tsnLt(a: number, b: number): boolean {
  return a !== b && ((b - a) | 0) > 0;
}

/** `a <= b` for 32-bit serial numbers. */
export function tsnLte(a: number, b: number): boolean {
  return a === b || ((b - a) | 0) > 0;
}

/** `a - b` for 32-bit serial numbers, as a signed distance. */
export function tsnDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** `a + n` modulo 2^32. */
export function tsnAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** `a < b` for 16-bit serial numbers. */
export function ssnLt(a: number, b: number): boolean {
  const d = (b - a) & 0xffff;
  return d !== 0 && d < 0x8000;
}

/** `a <= b` for 16-bit serial numbers. */
export function ssnLte(a: number, b: number): boolean {
  return a === b || ssnLt(a, b);
}
