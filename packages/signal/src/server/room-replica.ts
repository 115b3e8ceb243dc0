import type { Millis } from "@purertc/common";
import type { MemberRecord } from "./directory.js";

/** A membership change of a room, as applied to the replica. */
export type MemberChange =
  | { readonly kind: "added"; readonly seq: number; readonly member: MemberRecord }
  | { readonly kind: "removed"; readonly seq: number; readonly member: MemberRecord };

type PendingEvent =
  | { readonly kind: "added"; readonly member: MemberRecord }
  | { readonly kind: "removed"; readonly peerId: string };

/**
 * One node's copy of a room's membership, kept while the node has members in the room. The
 * directory numbers changes 1, 2, 3...; the replica applies them strictly in order, holds
 * early ones until the gap fills, and ignores what it already has (a snapshot taken after
 * the change, or a duplicate).
 */
export class RoomReplica {
  readonly members = new Map<string, MemberRecord>();
  #seq = 0;
  #ready = false;
  readonly #pending = new Map<number, PendingEvent>();
  /** When the oldest unfilled gap was first seen. */
  #gapSince: Millis | undefined;
  /** Members on other nodes (a broadcast needs the directory only when there are some). */
  #remote = 0;
  readonly #self: string;

  constructor(selfNode: string) {
    this.#self = selfNode;
  }

  get seq(): number {
    return this.#seq;
  }

  get ready(): boolean {
    return this.#ready;
  }

  get hasRemoteMembers(): boolean {
    return this.#remote > 0;
  }

  /** Since when a gap in the sequence has been waiting, if any. */
  get gapSince(): Millis | undefined {
    return this.#gapSince;
  }

  /**
   * A snapshot at `seq` (from a join reply or a sync). The first one makes the replica ready;
   * later ones replace the members only if newer (`force`: after a gap), and return the
   * differences as changes at `seq`.
   */
  applySnapshot(
    now: Millis,
    seq: number,
    members: readonly MemberRecord[],
    force = false,
  ): MemberChange[] {
    if (this.#ready && !force) return [];
    if (this.#ready && seq <= this.#seq) return [];
    const changes: MemberChange[] = [];
    const next = new Map(members.map((m) => [m.peerId, m] as const));
    if (this.#ready) {
      for (const [id, m] of this.members)
        if (!next.has(id)) changes.push({ kind: "removed", seq, member: m });
      for (const [id, m] of next)
        if (!this.members.has(id)) changes.push({ kind: "added", seq, member: m });
    }
    this.members.clear();
    this.#remote = 0;
    for (const [id, m] of next) this.#put(id, m);
    this.#seq = seq;
    this.#ready = true;
    for (const s of [...this.#pending.keys()]) if (s <= seq) this.#pending.delete(s);
    return changes.concat(this.#drain(now));
  }

  /** A change event numbered `seq`; returns the changes it made applicable (possibly several). */
  applyEvent(now: Millis, seq: number, event: PendingEvent): MemberChange[] {
    if (this.#ready && seq <= this.#seq) return [];
    this.#pending.set(seq, event);
    return this.#ready ? this.#drain(now) : [];
  }

  #drain(now: Millis): MemberChange[] {
    const out: MemberChange[] = [];
    for (let ev = this.#pending.get(this.#seq + 1); ev; ev = this.#pending.get(this.#seq + 1)) {
      this.#pending.delete(++this.#seq);
      if (ev.kind === "added") {
        if (!this.members.has(ev.member.peerId)) {
          this.#put(ev.member.peerId, ev.member);
          out.push({ kind: "added", seq: this.#seq, member: ev.member });
        }
      } else {
        const m = this.members.get(ev.peerId);
        if (m) {
          this.members.delete(ev.peerId);
          if (m.node !== this.#self) this.#remote--;
          out.push({ kind: "removed", seq: this.#seq, member: m });
        }
      }
    }
    this.#gapSince = this.#pending.size > 0 ? (this.#gapSince ?? now) : undefined;
    return out;
  }

  #put(id: string, m: MemberRecord): void {
    this.members.set(id, m);
    if (m.node !== this.#self) this.#remote++;
  }
}
