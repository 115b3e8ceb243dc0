import { utf8Decode, utf8Encode } from "@purertc/common";
import { describe, expect, it } from "vitest";
import { bothConnected, iceSim, type NatKind } from "../support/ice-sim.js";

const KINDS: readonly NatKind[] = ["none", "eim", "adm", "apdm"];
/** Mapping that depends on the destination defeats server-reflexive candidates on that side. */
const hard = (k: NatKind) => k === "adm" || k === "apdm";

function exchangeData(s: ReturnType<typeof iceSim>): void {
  const now = s.driver.now;
  expect(s.a.agent.send(now, utf8Encode("ping"))).toBe(true);
  expect(s.b.agent.send(now, utf8Encode("pong"))).toBe(true);
  s.driver.runUntil(() => s.a.received.length > 0 && s.b.received.length > 0, { timeoutMs: 2000 });
  expect(utf8Decode(s.b.received[0]!)).toBe("ping");
  expect(utf8Decode(s.a.received[0]!)).toBe("pong");
}

describe("RFC 4787 NAT connectivity matrix (STUN + test relay)", () => {
  for (const na of KINDS) {
    for (const nb of KINDS) {
      const direct = !(hard(na) && hard(nb));
      it(`${na} ↔ ${nb}: ${direct ? "direct" : "through the relay"}`, () => {
        const s = iceSim({
          a: { nat: na, stun: true, relay: true },
          b: { nat: nb, stun: true, relay: true },
        });
        s.driver.runUntil(() => bothConnected(s), { timeoutMs: 30_000 });
        const sel = s.a.agent.stats().pairs.find((p) => p.selected)!;
        expect(sel).toBeDefined();
        const relayed =
          s.a.agent.selectedPair!.local.type === "relay" ||
          s.a.agent.selectedPair!.remote.type === "relay";
        expect(relayed).toBe(!direct);
        exchangeData(s);
        if (!direct) expect(s.relayServer.relayedPackets).toBeGreaterThan(0);
      });
    }
  }
});

describe("RFC 4787 NAT connectivity matrix without a relay", () => {
  for (const na of KINDS) {
    for (const nb of KINDS) {
      const direct = !(hard(na) && hard(nb));
      it(`${na} ↔ ${nb}: ${direct ? "connects directly" : "fails after end-of-candidates"}`, () => {
        const s = iceSim({ a: { nat: na, stun: true }, b: { nat: nb, stun: true } });
        if (direct) {
          s.driver.runUntil(() => bothConnected(s), { timeoutMs: 30_000 });
          exchangeData(s);
        } else {
          s.driver.runUntil(() => s.a.agent.state === "failed" && s.b.agent.state === "failed", {
            timeoutMs: 30_000,
          });
          expect(s.a.agent.selectedPair).toBeUndefined();
          expect(s.a.agent.send(s.driver.now, new Uint8Array(1))).toBe(false);
        }
      });
    }
  }
});
