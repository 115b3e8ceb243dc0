import { describe, expect, it } from "vitest";
import { RoomReplica } from "../../src/server/room-replica.js";

const m = (peerId: string, node = "far") => ({ peerId, node });

describe("RoomReplica: ordered membership", () => {
  it("applies events in seq order even when they arrive out of order", () => {
    const r = new RoomReplica("self");
    r.applySnapshot(0, 1, [m("a", "self")]);
    expect(r.applyEvent(0, 3, { kind: "added", member: m("c") })).toEqual([]);
    expect(r.gapSince).toBe(0);
    const ch = r.applyEvent(5, 2, { kind: "added", member: m("b") });
    expect(ch.map((c) => [c.kind, c.seq, c.member.peerId])).toEqual([
      ["added", 2, "b"],
      ["added", 3, "c"],
    ]);
    expect(r.gapSince).toBeUndefined();
    expect(r.hasRemoteMembers).toBe(true);
  });

  it("events before the first snapshot wait; those the snapshot covers are dropped", () => {
    const r = new RoomReplica("self");
    r.applyEvent(0, 4, { kind: "removed", peerId: "x" });
    r.applyEvent(0, 5, { kind: "added", member: m("y") });
    expect(r.ready).toBe(false);
    const ch = r.applySnapshot(0, 4, [m("a", "self")]);
    expect(ch.map((c) => c.member.peerId)).toEqual(["y"]);
    expect([...r.members.keys()]).toEqual(["a", "y"]);
  });

  it("duplicates and stale events are ignored", () => {
    const r = new RoomReplica("self");
    r.applySnapshot(0, 2, [m("a")]);
    expect(r.applyEvent(0, 2, { kind: "added", member: m("z") })).toEqual([]);
    expect(r.applyEvent(0, 1, { kind: "removed", peerId: "a" })).toEqual([]);
    expect([...r.members.keys()]).toEqual(["a"]);
  });

  it("a forced snapshot after a gap reports the difference", () => {
    const r = new RoomReplica("self");
    r.applySnapshot(0, 1, [m("a"), m("b")]);
    r.applyEvent(0, 9, { kind: "added", member: m("q") });
    const ch = r.applySnapshot(10, 9, [m("a"), m("q")], true);
    expect(ch.map((c) => [c.kind, c.member.peerId])).toEqual([
      ["removed", "b"],
      ["added", "q"],
    ]);
    expect(r.seq).toBe(9);
    expect(r.gapSince).toBeUndefined();
  });
});
