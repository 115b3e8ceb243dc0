import type { JsonObject } from "../protocol/json-rpc.js";

/**
 * The room directory: who is in which room, on which server node. One node keeps it in memory
 * ({@link MemoryDirectory}); several nodes share it through Redis (the `./server` adapter). The
 * server core talks to it only through these operations (out) and inputs (in), so the same
 * core runs alone or in a cluster and is tested without either.
 *
 * Membership changes carry a per-room sequence number assigned by the directory; nodes apply
 * them in order, so a join's member snapshot and the change events agree even though they
 * arrive on different connections.
 */

/** One room member as the directory stores it. */
export interface MemberRecord {
  readonly peerId: string;
  /** The node that holds the peer's connection. */
  readonly node: string;
  readonly identity?: string;
  readonly metadata?: JsonObject;
}

/** What the core asks of the directory. */
export type DirectoryOp =
  /** Add `member` unless the room holds `maxPeers`; reply `joined` or `join-refused`. */
  | {
      readonly op: "join";
      readonly ticket: number;
      readonly room: string;
      readonly member: MemberRecord;
      readonly maxPeers: number;
    }
  /** Remove the member; the directory then emits `member-removed`. */
  | { readonly op: "leave"; readonly room: string; readonly peerId: string }
  /** Deliver a sequenced notification to `to` on `node` (`body`: params JSON without braces and seq). */
  | {
      readonly op: "relay";
      readonly node: string;
      readonly to: string;
      readonly method: string;
      readonly body: string;
    }
  /** Deliver a room-wide `message` to every other node's members of `room`. */
  | {
      readonly op: "broadcast";
      readonly room: string;
      readonly from: string;
      readonly body: string;
    }
  /** Start / stop receiving this room's events on this node. */
  | { readonly op: "subscribe"; readonly room: string }
  | { readonly op: "unsubscribe"; readonly room: string }
  /** Send a `snapshot` of the room (after a gap in its event sequence). */
  | { readonly op: "sync"; readonly room: string };

/** What the directory tells the core. */
export type DirectoryInput =
  | {
      readonly kind: "joined";
      readonly ticket: number;
      readonly seq: number;
      readonly members: readonly MemberRecord[];
    }
  | {
      readonly kind: "join-refused";
      readonly ticket: number;
      readonly reason: "room-full" | "unavailable";
    }
  | {
      readonly kind: "member-added";
      readonly room: string;
      readonly seq: number;
      readonly member: MemberRecord;
    }
  | {
      readonly kind: "member-removed";
      readonly room: string;
      readonly seq: number;
      readonly peerId: string;
    }
  | {
      readonly kind: "snapshot";
      readonly room: string;
      readonly seq: number;
      readonly members: readonly MemberRecord[];
    }
  | { readonly kind: "relay"; readonly to: string; readonly method: string; readonly body: string }
  | {
      readonly kind: "broadcast";
      readonly room: string;
      readonly node: string;
      readonly from: string;
      readonly body: string;
    };

/**
 * The directory of a single node, in memory and synchronous: {@link apply} answers an
 * operation with the inputs to feed back to the core.
 */
export class MemoryDirectory {
  readonly #rooms = new Map<string, { seq: number; members: Map<string, MemberRecord> }>();

  apply(op: DirectoryOp): DirectoryInput[] {
    switch (op.op) {
      case "join": {
        let room = this.#rooms.get(op.room);
        if (!room) {
          room = { seq: 0, members: new Map() };
          this.#rooms.set(op.room, room);
        }
        if (room.members.size >= op.maxPeers && !room.members.has(op.member.peerId))
          return [{ kind: "join-refused", ticket: op.ticket, reason: "room-full" }];
        room.members.set(op.member.peerId, op.member);
        const seq = ++room.seq;
        return [
          { kind: "joined", ticket: op.ticket, seq, members: [...room.members.values()] },
          { kind: "member-added", room: op.room, seq, member: op.member },
        ];
      }
      case "leave": {
        const room = this.#rooms.get(op.room);
        if (!room?.members.delete(op.peerId)) return [];
        const seq = ++room.seq;
        if (room.members.size === 0) this.#rooms.delete(op.room);
        return [{ kind: "member-removed", room: op.room, seq, peerId: op.peerId }];
      }
      case "relay":
        return [{ kind: "relay", to: op.to, method: op.method, body: op.body }];
      case "sync": {
        const room = this.#rooms.get(op.room);
        return [
          {
            kind: "snapshot",
            room: op.room,
            seq: room?.seq ?? 0,
            members: room ? [...room.members.values()] : [],
          },
        ];
      }
      case "broadcast":
      case "subscribe":
      case "unsubscribe":
        return [];
    }
  }

  /** Number of rooms with at least one member. */
  get rooms(): number {
    return this.#rooms.size;
  }
}
