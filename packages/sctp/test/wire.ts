import type { Millis } from "@purertc/common";

/** Anything with the association's bytes-in/bytes-out shape. */
export interface Wired {
  handleDatagram(now: Millis, data: Uint8Array): void;
  pollTransmit(): Uint8Array | undefined;
}

/**
 * Passes packets between two machines with no delay until neither has anything to send
 * (a direct wire for unit tests; simulated networks use @purertc/testkit).
 */
export function exchange(a: Wired, b: Wired, now: Millis, maxPackets = 1_000_000): number {
  let n = 0;
  for (;;) {
    let moved = false;
    for (let p = a.pollTransmit(); p !== undefined; p = a.pollTransmit()) {
      b.handleDatagram(now, p);
      moved = true;
      if (++n > maxPackets) throw new Error("exchange: no quiescence");
    }
    for (let p = b.pollTransmit(); p !== undefined; p = b.pollTransmit()) {
      a.handleDatagram(now, p);
      moved = true;
      if (++n > maxPackets) throw new Error("exchange: no quiescence");
    }
    if (!moved) return n;
  }
}
