/**
 * Randomness is injected into cores so tests are reproducible. `Rng` is the one interface;
 * {@link seededRng} is deterministic (for tests and simulations), {@link secureRng} uses the
 * platform's `crypto.getRandomValues` (for real use: ICE credentials, DTLS randoms...).
 */
export interface Rng {
  /** A uniform float in [0, 1). */
  next(): number;
  /** A uniform 32-bit unsigned integer. */
  nextU32(): number;
  /** Fills `out` with random bytes and returns it. */
  fill(out: Uint8Array): Uint8Array;
}

/** sfc32 (Small Fast Counting), seeded through splitmix32 so any integer seed is fine. */
export function seededRng(seed: number): Rng {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  const nextU32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) nextU32();
  return {
    nextU32,
    next: () => nextU32() / 4294967296,
    fill(out) {
      for (let i = 0; i < out.length; i += 4) {
        const v = nextU32();
        for (let k = 0; k < 4 && i + k < out.length; k++) out[i + k] = (v >>> (8 * k)) & 0xff;
      }
      return out;
    },
  };
}

/** Words drawn from one `getRandomValues` call by {@link secureRng}. */
const SECURE_POOL_WORDS = 256;

/** Fills up to this many bytes are served from the pool of {@link secureRng}. */
const SECURE_POOL_FILL_BYTES = 64;

/** Cryptographically secure randomness from `globalThis.crypto.getRandomValues`. */
export function secureRng(): Rng {
  const c = (globalThis as { crypto?: { getRandomValues<T extends ArrayBufferView>(a: T): T } })
    .crypto;
  if (!c?.getRandomValues)
    throw new TypeError("secureRng: globalThis.crypto.getRandomValues is not available");
  // Words come from a pool refilled by one getRandomValues call per SECURE_POOL_WORDS draws:
  // a 4-byte request costs about as much as a 1 KiB one (argument checks and the call dominate),
  // and ICE credentials alone draw ~60 words. Each word is handed out once and zeroed.
  const pool = new Uint32Array(SECURE_POOL_WORDS);
  let used = pool.length;
  const nextU32 = (): number => {
    if (used === pool.length) {
      c.getRandomValues(pool);
      used = 0;
    }
    const v = pool[used]!;
    pool[used++] = 0;
    return v;
  };
  // Small fills (STUN transaction ids, DTLS randoms) come from the same pool: a
  // getRandomValues call per consent check showed as ~5 % of the idle CPU of 1,000 peers.
  const bytes = new Uint8Array(pool.buffer);
  const fill = (out: Uint8Array): Uint8Array => {
    const n = out.length;
    if (n <= SECURE_POOL_FILL_BYTES) {
      const words = (n + 3) >> 2;
      if (used + words > pool.length) {
        c.getRandomValues(pool);
        used = 0;
      }
      const start = used * 4;
      for (let i = 0; i < n; i++) out[i] = bytes[start + i]!;
      bytes.fill(0, start, start + words * 4);
      used += words;
      return out;
    }
    for (let i = 0; i < n; i += 65536)
      c.getRandomValues(out.subarray(i, Math.min(out.length, i + 65536)));
    return out;
  };
  return { fill, nextU32, next: () => nextU32() / 4294967296 };
}

/** A uniform integer in [0, n) from `rng` (n ≤ 2^32). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng.next() * n);
}

const ALPHANUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A random string over `alphabet` (default: letters and digits), e.g. for ICE ufrag/pwd. */
export function randomString(rng: Rng, length: number, alphabet = ALPHANUM): string {
  let s = "";
  for (let i = 0; i < length; i++) s += alphabet[randomInt(rng, alphabet.length)];
  return s;
}
