import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import {
  constantTimeEqual,
  createLogger,
  Fifo,
  fromBase64,
  fromHex,
  type LogRecord,
  randomString,
  redactAddresses,
  scopeMatcher,
  secureRng,
  seededRng,
  TimerTable,
  toBase64,
  toHex,
} from "../src/index.js";

describe("bytes helpers", () => {
  it("hex and base64 round-trip any bytes; base64 matches RFC 4648 §10", () => {
    expect(toBase64(new TextEncoder().encode("foobar"))).toBe("Zm9vYmFy");
    expect(toBase64(new TextEncoder().encode("fo"))).toBe("Zm8=");
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        expect(Array.from(fromHex(toHex(b, ":")))).toEqual(Array.from(b));
        expect(Array.from(fromBase64(toBase64(b)))).toEqual(Array.from(b));
        expect(toBase64(b)).toBe(globalThis.btoa(String.fromCharCode(...b)));
      }),
    );
    expect(() => fromHex("zz")).toThrow(TypeError);
    expect(() => fromBase64("a$==")).toThrow(TypeError);
  });

  it("constantTimeEqual compares content and length", () => {
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(false);
  });
});

describe("Rng", () => {
  it("a seeded RNG is reproducible and roughly uniform", () => {
    const a = seededRng(42);
    const b = seededRng(42);
    const xs = Array.from({ length: 10_000 }, () => a.next());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b.next()));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
    expect(seededRng(43).next()).not.toBe(seededRng(42).next());
  });

  it("randomString draws from the alphabet; secureRng fills bytes", () => {
    expect(randomString(seededRng(1), 24)).toMatch(/^[A-Za-z0-9]{24}$/);
    const bytes = secureRng().fill(new Uint8Array(70_000));
    expect(bytes.some((x) => x !== 0)).toBe(true);
  });

  it("secureRng hands out pooled words: one getRandomValues call per 256 words, each word once", () => {
    const c = globalThis.crypto;
    const spy = vi.spyOn(c, "getRandomValues");
    try {
      const rng = secureRng();
      const words = Array.from({ length: 512 }, () => rng.nextU32());
      expect(spy).toHaveBeenCalledTimes(2);
      // 512 uniform 32-bit words: a repeat would mean a pool was handed out twice (p ≈ 3e-5).
      expect(new Set(words).size).toBe(512);
      for (const w of words) expect(Number.isInteger(w) && w >= 0 && w < 2 ** 32).toBe(true);
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      expect(spy).toHaveBeenCalledTimes(3);
    } finally {
      spy.mockRestore();
    }
  });
  it("secureRng serves fills of up to 64 bytes from the pool, each byte once, and larger ones directly", () => {
    const c = globalThis.crypto;
    const spy = vi.spyOn(c, "getRandomValues");
    try {
      const rng = secureRng();
      // 12-byte STUN transaction ids: 3 words each, 85 per 256-word pool.
      const ids = Array.from({ length: 85 }, () => rng.fill(new Uint8Array(12)));
      expect(spy).toHaveBeenCalledTimes(1);
      const hex = ids.map((b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(""));
      expect(new Set(hex).size).toBe(85);
      rng.fill(new Uint8Array(12));
      expect(spy).toHaveBeenCalledTimes(2);
      const odd = rng.fill(new Uint8Array(5));
      expect(odd.length).toBe(5);
      rng.fill(new Uint8Array(65));
      expect(spy).toHaveBeenCalledTimes(3);
      expect(spy.mock.calls[2]![0].byteLength).toBe(65);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("Fifo and TimerTable", () => {
  it("Fifo keeps order across growth and wrap-around", () => {
    const q = new Fifo<number>();
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 7; i++) q.push(next++);
      for (let i = 0; i < 5; i++) expect(q.shift()).toBe(expected++);
    }
    expect(q.length).toBe(100);
    expect([...q][0]).toBe(expected);
    q.clear();
    expect(q.shift()).toBeUndefined();
  });

  it("TimerTable reports the earliest deadline and expires due timers in order", () => {
    const t = new TimerTable<"rto" | "ack" | "keepalive">();
    expect(t.next()).toBeUndefined();
    t.set("rto", 300);
    t.set("ack", 200);
    t.set("keepalive", 5000);
    expect(t.next()).toBe(200);
    expect(t.expire(250)).toEqual(["ack"]);
    expect(t.expire(6000)).toEqual(["rto", "keepalive"]);
    expect(t.next()).toBeUndefined();
  });
});

describe("Logger", () => {
  it("writes only enabled scopes, with debug-style patterns", () => {
    const match = scopeMatcher("purertc:ice,purertc:sctp*,-purertc:ice:mdns");
    expect(match("purertc:ice")).toBe(true);
    expect(match("purertc:ice:agent")).toBe(true);
    expect(match("purertc:ice:mdns")).toBe(false);
    expect(match("purertc:sctp-x")).toBe(true);
    expect(match("purertc:dtls")).toBe(false);
    const records: LogRecord[] = [];
    const sink = { enabled: (s: string) => match(s), write: (r: LogRecord) => records.push(r) };
    const ice = createLogger(sink, "purertc:ice");
    ice.child("agent").debug("pair selected", { rtt: 3 });
    createLogger(sink, "purertc:dtls").error("not written");
    expect(records).toEqual([
      { scope: "purertc:ice:agent", level: "debug", message: "pair selected", fields: { rtt: 3 } },
    ]);
  });

  it("redacts IPv4 and IPv6 literals", () => {
    expect(redactAddresses("from 192.168.1.2:5000 and [2001:db8::1]:9")).toBe(
      "from <redacted>:5000 and [<redacted>]:9",
    );
  });
});
