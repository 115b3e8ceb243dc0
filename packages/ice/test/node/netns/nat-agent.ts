/**
 * One ICE agent (the Node adapter, NodeIceAgent) run as a child process inside a "host"
 * namespace by nat.test.ts. It gathers on the namespace's interfaces and talks to its parent
 * in JSON lines: events on stdout ({@link ChildEvent}), commands on stdin ({@link ChildCommand}).
 * Logs go to stderr. Configuration is the JSON in argv[2] ({@link ChildConfig}).
 */
import { createInterface } from "node:readline";
import { utf8Decode, utf8Encode } from "@purertc/common";
import {
  type IceAgentEvent,
  type IceCandidate,
  parseIceCandidate,
  serializeIceCandidate,
} from "../../../src/index.js";
import { type IceAgentEventMessage, NodeIceAgent } from "../../../src/node/index.js";
import type { ChildCommand, ChildConfig, ChildEvent, PairReport } from "./protocol.js";

const config = JSON.parse(process.argv[2]!) as ChildConfig;
const emit = (e: ChildEvent) => process.stdout.write(`${JSON.stringify(e)}\n`);
const started = Date.now();

const agent = await NodeIceAgent.create({
  iceServers: config.iceServers,
  mdnsSocket: false,
  agent: {
    role: config.role,
    mdns: "disabled",
    ...(config.checkingTimeoutMs ? { checkingTimeoutMs: config.checkingTimeoutMs } : {}),
  },
  onData: (data) => emit({ ev: "data", text: utf8Decode(data) }),
});

const describe = (c: IceCandidate) => ({ type: c.type, address: c.address, port: c.port });

for (const type of [
  "candidate",
  "gathering-state",
  "connection-state",
  "selected-pair",
  "candidate-error",
]) {
  agent.addEventListener(type, (e) => {
    const ev = (e as IceAgentEventMessage).detail as IceAgentEvent;
    if (ev.type === "candidate")
      emit({ ev: "candidate", line: serializeIceCandidate(ev.candidate) });
    else if (ev.type === "gathering-state" && ev.state === "complete") emit({ ev: "end" });
    else if (ev.type === "connection-state")
      emit({ ev: "state", state: ev.state, ms: Date.now() - started });
    else if (ev.type === "selected-pair")
      emit({ ev: "selected", local: describe(ev.local), remote: describe(ev.remote) });
    else if (ev.type === "candidate-error")
      process.stderr.write(`candidate-error ${ev.url} ${ev.errorCode} ${ev.errorText}\n`);
  });
}

/** The pairs that succeeded, with their candidates' types and addresses. */
function report(): ChildEvent {
  const stats = agent.agent.stats();
  const candidates = new Map(
    [...stats.localCandidates, ...stats.remoteCandidates].map((c) => [
      c.id,
      { type: c.candidateType, address: c.address, port: c.port },
    ]),
  );
  const succeeded: PairReport[] = stats.pairs
    .filter((p) => p.state === "succeeded")
    .map((p) => ({
      local: candidates.get(p.localCandidateId)!,
      remote: candidates.get(p.remoteCandidateId)!,
      selected: p.selected,
    }));
  return {
    ev: "report",
    state: stats.state,
    local: stats.localCandidates.map((c) => ({
      type: c.candidateType,
      address: c.address,
      port: c.port,
    })),
    pairs: stats.pairs.length,
    succeeded,
  };
}

emit({ ev: "ready", ...agent.agent.localCredentials });

for await (const line of createInterface({ input: process.stdin })) {
  const cmd = JSON.parse(line) as ChildCommand;
  if (cmd.cmd === "remote") agent.setRemoteCredentials({ ufrag: cmd.ufrag, pwd: cmd.pwd });
  else if (cmd.cmd === "gather") agent.gather();
  else if (cmd.cmd === "candidate") {
    const c = parseIceCandidate(cmd.line);
    if (c) agent.addRemoteCandidate(c);
    else process.stderr.write(`unparsable candidate ${cmd.line}\n`);
  } else if (cmd.cmd === "end") agent.addRemoteEndOfCandidates();
  else if (cmd.cmd === "send") emit({ ev: "sent", ok: agent.send(utf8Encode(cmd.text)) });
  else if (cmd.cmd === "report") emit(report());
  else if (cmd.cmd === "close") {
    await agent.close();
    emit({ ev: "closed" });
    break;
  }
}
process.exit(0);
