import { describe, expect, it } from "vitest";
import {
  CandidatePair,
  CheckList,
  candidatePriority,
  type IceCandidate,
  type LocalCandidate,
  type RemoteCandidate,
} from "../src/index.js";

let n = 0;
function local(address: string, foundation = "L"): LocalCandidate {
  const c: IceCandidate = {
    foundation,
    component: 1,
    transport: "udp",
    priority: candidatePriority("host", 65535 - n),
    address,
    port: 5000,
    type: "host",
  };
  return {
    id: `L${n++}`,
    candidate: c,
    base: { address, port: 5000 },
    relay: undefined,
    announced: true,
  };
}
function remote(address: string, priority: number, foundation = "R"): RemoteCandidate {
  const c: IceCandidate = {
    foundation,
    component: 1,
    transport: "udp",
    priority,
    address,
    port: 6000,
    type: "host",
  };
  return { id: `R${n++}`, candidate: c, resolved: { address, port: 6000 } };
}
function pair(l: LocalCandidate, r: RemoteCandidate): CandidatePair {
  const p = new CandidatePair(l, r);
  p.updatePriority(true);
  return p;
}

describe("RFC 8445 §6.1.2 check list", () => {
  it("keeps pairs in descending priority order", () => {
    const list = new CheckList();
    const l = local("10.0.0.1");
    for (const prio of [5, 500, 50]) list.add(pair(l, remote(`10.1.0.${prio % 250}`, prio)));
    const ps = list.pairs.map((p) => p.remote.candidate.priority);
    expect(ps).toEqual([500, 50, 5]);
  });

  it("§6.1.2.4: a redundant pair (same base, same remote address) keeps only the higher priority", () => {
    const list = new CheckList();
    const l = local("10.0.0.1");
    const low = pair(l, remote("10.1.0.1", 10, "a"));
    const high = pair(l, remote("10.1.0.1", 1000, "b"));
    list.add(low);
    expect(list.add(high)).toBe(high);
    expect(list.pairs).toEqual([high]);
    expect(list.add(pair(l, remote("10.1.0.1", 1, "c")))).toBe(high);
  });

  it("§6.1.2.5: the pair limit drops the lowest-priority pairs", () => {
    const list = new CheckList(3);
    const l = local("10.0.0.1");
    for (let i = 1; i <= 5; i++) list.add(pair(l, remote(`10.2.0.${i}`, i * 10)));
    expect(list.pairs.map((p) => p.remote.candidate.priority)).toEqual([50, 40, 30]);
  });

  it("§6.1.2.6: one pair per foundation starts Waiting; §7.2.5.3.3 success unfreezes its foundation", () => {
    const list = new CheckList();
    const l = local("10.0.0.1", "F");
    const a1 = pair(l, remote("10.3.0.1", 30, "x"));
    const a2 = pair(l, remote("10.3.0.2", 20, "x"));
    const b1 = pair(l, remote("10.3.0.3", 10, "y"));
    for (const p of [a1, a2, b1]) list.add(p);
    list.unfreezeInitial();
    expect([a1.state, a2.state, b1.state]).toEqual(["waiting", "frozen", "waiting"]);
    list.unfreezeFoundation(a1.foundation);
    expect(a2.state).toBe("waiting");
  });

  it("§6.1.4.2: triggered checks go first, then Waiting, then Frozen", () => {
    const list = new CheckList();
    const l = local("10.0.0.1");
    const hi = pair(l, remote("10.4.0.1", 30, "x"));
    const lo = pair(l, remote("10.4.0.2", 20, "x"));
    list.add(hi);
    list.add(lo);
    list.trigger(lo);
    list.trigger(lo);
    expect(list.next()).toBe(lo);
    expect(list.next()).toBe(hi); // frozen, highest priority
    hi.state = "waiting";
    expect(list.next()).toBe(hi);
  });
});
