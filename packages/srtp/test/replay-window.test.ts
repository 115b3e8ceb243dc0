import { describe, expect, it } from "vitest";
import { estimateRtpIndex, ReplayWindow } from "../src/index.js";

describe("estimateRtpIndex (RFC 3711 Appendix A)", () => {
  it("guesses ROC+1 after a wrap and ROC-1 for a late packet from before it", () => {
    expect(estimateRtpIndex(65535, 2)).toBe(65536 + 2);
    expect(estimateRtpIndex(65536 + 5, 65530)).toBe(65530);
    expect(estimateRtpIndex(3 * 65536 + 40000, 39000)).toBe(3 * 65536 + 39000);
  });
  it("keeps ROC 0 while the highest index is at most 2^15 (libsrtp), never ROC -1", () => {
    expect(estimateRtpIndex(-1, 65000)).toBe(65000);
    expect(estimateRtpIndex(10, 65530)).toBe(65530);
  });
});

describe("ReplayWindow", () => {
  it("slides forward, clears skipped slots and classifies replay/too-old", () => {
    const w = new ReplayWindow(64);
    w.accept(100);
    expect(w.check(100)).toBe(1);
    expect(w.check(99)).toBe(0);
    expect(w.check(36)).toBe(2);
    expect(w.check(37)).toBe(0);
    w.accept(164); // slot of 100 is reused: must read as not received for 164-64 < 100
    expect(w.check(100)).toBe(2);
    expect(w.check(101)).toBe(0);
    w.accept(1000);
    expect(w.check(999)).toBe(0);
    expect(w.top).toBe(1000);
  });
});
