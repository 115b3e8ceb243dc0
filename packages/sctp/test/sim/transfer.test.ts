import { describe, expect, it } from "vitest";
import { connectPair, simPair } from "./harness.js";
import { Workload } from "./workload.js";

const SOAK = process.env.SCTP_SOAK === "1";
/** 64 MB per loss rate by default (about 1.5 s of CPU each); SCTP_SOAK=1 runs 256 MB. */
const VOLUME = SOAK ? 256 * 1024 * 1024 : 64 * 1024 * 1024;

function transfer(loss: number, seed: number, volume: number) {
  const p = simPair({
    seed,
    link: { latencyMs: 10, jitterMs: 2, loss, duplicate: 0.01, reorder: 0.02, reorderDelayMs: 5 },
    a: { maxMessageSize: 262_144 },
  });
  connectPair(p);
  const w = new Workload();
  p.b.takeEvents();
  p.driver.runUntil(() => {
    w.fill(p.A, p.driver.now, volume);
    p.driver.flush();
    for (const e of p.b.takeEvents()) w.check(e);
    return w.bytesReceived >= w.bytesQueued && w.bytesQueued >= volume;
  });
  return { p, w };
}

describe(`bulk transfer of ${VOLUME >> 20} MB mixed 1 B…256 KiB messages`, () => {
  for (const loss of [0, 0.01, 0.05, 0.1]) {
    it(`delivers every message exactly once, in order where ordered, at ${loss * 100}% loss with reordering and duplication`, () => {
      const { p, w } = transfer(loss, 11 + loss * 100, VOLUME);
      expect(w.errors).toEqual([]);
      expect(w.bytesReceived).toBe(w.bytesQueued);
      const st = p.A.stats();
      if (loss > 0) expect(st.retransmissions).toBeGreaterThan(0);
      console.log(
        `loss ${loss * 100}%: ${w.messagesReceived} messages, ${(w.bytesReceived / 1048576).toFixed(1)} MB in ${(p.driver.now / 1000).toFixed(1)} s simulated; rtx ${st.retransmissions}, fast ${st.fastRetransmits}, t3 ${st.t3Expirations}, cwnd ${st.cwnd}`,
      );
    });
  }
});
