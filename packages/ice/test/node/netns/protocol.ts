/** The JSON lines between nat.test.ts and its agent children (nat-agent.ts). */
import type { IceConnectionState } from "../../../src/index.js";
import type { IceServerConfig } from "../../../src/node/index.js";

/** argv[2] of a child. */
export interface ChildConfig {
  readonly role: "controlling" | "controlled";
  readonly iceServers: readonly IceServerConfig[];
  /** RFC 8863 checking timeout; the agent's default when omitted. */
  readonly checkingTimeoutMs?: number;
}

export interface CandidateReport {
  readonly type: string;
  readonly address: string;
  readonly port: number;
}

export interface PairReport {
  readonly local: CandidateReport;
  readonly remote: CandidateReport;
  readonly selected: boolean;
}

/** Child → parent (stdout). `ms` counts from the child's start. */
export type ChildEvent =
  | { readonly ev: "ready"; readonly ufrag: string; readonly pwd: string }
  | { readonly ev: "candidate"; readonly line: string }
  | { readonly ev: "end" }
  | { readonly ev: "state"; readonly state: IceConnectionState; readonly ms: number }
  | { readonly ev: "selected"; readonly local: CandidateReport; readonly remote: CandidateReport }
  | { readonly ev: "data"; readonly text: string }
  | { readonly ev: "sent"; readonly ok: boolean }
  | {
      readonly ev: "report";
      readonly state: IceConnectionState;
      readonly local: readonly CandidateReport[];
      readonly pairs: number;
      readonly succeeded: readonly PairReport[];
    }
  | { readonly ev: "closed" };

/** Parent → child (stdin). */
export type ChildCommand =
  | { readonly cmd: "remote"; readonly ufrag: string; readonly pwd: string }
  | { readonly cmd: "gather" }
  | { readonly cmd: "candidate"; readonly line: string }
  | { readonly cmd: "end" }
  | { readonly cmd: "send"; readonly text: string }
  | { readonly cmd: "report" }
  | { readonly cmd: "close" };
