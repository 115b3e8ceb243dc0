/** Small allocation-free text helpers shared by the line codecs. */

/** Decimal digits only, at most 15 of them; returns -1 otherwise. */
export function parseUint(s: string): number {
  const n = s.length;
  if (n === 0 || n > 15) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Like {@link parseUint} on `s.slice(start, end)`, without the slice. */
export function parseUintAt(s: string, start: number, end: number): number {
  const n = end - start;
  if (n <= 0 || n > 15) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Splits `k=v;k=v` parameter lists (fmtp, rid restrictions) into an ordered record.
 * A token without `=` becomes a key with value `""`; whitespace around tokens is dropped.
 */
export function parseParams(s: string, out: Record<string, string>): Record<string, string> {
  const n = s.length;
  let start = 0;
  while (start <= n) {
    let end = s.indexOf(";", start);
    if (end < 0) end = n;
    let a = start;
    let b = end;
    while (a < b && s.charCodeAt(a) === 32) a++;
    while (b > a && s.charCodeAt(b - 1) === 32) b--;
    if (a < b) {
      const eq = s.indexOf("=", a);
      if (eq < 0 || eq >= b) out[s.slice(a, b)] = "";
      else out[s.slice(a, eq)] = s.slice(eq + 1, b);
    }
    start = end + 1;
  }
  return out;
}

/** Writes a parameter record back as `k=v;k=v` (a `""` value writes the bare key). */
export function serializeParams(p: Record<string, string>): string {
  let s = "";
  for (const k in p) {
    const v = p[k]!;
    if (s !== "") s += ";";
    s += v === "" ? k : `${k}=${v}`;
  }
  return s;
}

/** Whether an object has at least one own enumerable key (no allocation). */
export function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}
