/** Loopback helpers for Node adapter tests: agents on 127.0.0.1, trickle wiring, polling. */
import { utf8Decode } from "@purertc/common";
import type { IceAgentEvent } from "../../src/index.js";
import {
  type IceAgentEventMessage,
  NodeIceAgent,
  type NodeIceAgentOptions,
} from "../../src/node/index.js";

/** Everything a test opened; `closeAll()` in `afterEach`. */
export const open: { close(): Promise<void> }[] = [];

export async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map((x) => x.close()));
}

export function handles(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r === "UDPWrap" || r === "Timeout");
}

export async function make(
  options: NodeIceAgentOptions,
  received?: string[],
): Promise<NodeIceAgent> {
  const a = await NodeIceAgent.create({
    addresses: ["127.0.0.1"],
    mdnsSocket: false,
    ...options,
    agent: { mdns: "disabled", ...options.agent },
    ...(received ? { onData: (d: Uint8Array) => received.push(utf8Decode(d)) } : {}),
  });
  open.push(a);
  return a;
}

/** Wires trickle signalling between two adapters (events → the other's API). */
export function signal(a: NodeIceAgent, b: NodeIceAgent): void {
  const wire = (from: NodeIceAgent, to: NodeIceAgent) => {
    for (const type of ["candidate", "gathering-state"]) {
      from.addEventListener(type, (e) => {
        const ev = (e as IceAgentEventMessage).detail as IceAgentEvent;
        if (ev.type === "candidate") to.addRemoteCandidate(ev.candidate);
        if (ev.type === "gathering-state" && ev.state === "complete") to.addRemoteEndOfCandidates();
      });
    }
  };
  wire(a, b);
  wire(b, a);
  a.setRemoteCredentials(b.agent.localCredentials);
  b.setRemoteCredentials(a.agent.localCredentials);
}

export function until(pred: () => boolean, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const tick = () => {
      if (pred()) return resolve();
      if (Date.now() - start > ms) return reject(new Error("timed out"));
      setTimeout(tick, 5);
    };
    tick();
  });
}

export const connected = (x: NodeIceAgent) =>
  x.agent.state === "connected" || x.agent.state === "completed";
