/**
 * A small Internet in network namespaces for nat.test.ts: two hosts, each behind its own NAT
 * router doing iptables MASQUERADE, and a "public" namespace whose bridge joins the routers'
 * WAN sides and where coturn (`turnserver`, STUN and TURN) listens. Every link is a veth pair
 * created inside the namespaces and only private test addresses exist, so nothing can leave
 * the machine. The agents are child processes (nat-agent.ts) inside the host namespaces.
 *
 *    hostA 10.202.1.2 ── lan 10.202.1.1 [natA] wan 10.201.0.2 ─┐
 *                                                               ├─ br0 10.201.0.1 [pub] coturn :3478
 *                                                               │      10.201.0.10      (STUN too)
 *    hostB 10.202.2.2 ── lan 10.202.2.1 [natB] wan 10.201.0.3 ─┘
 *
 * Each router drops unsolicited inbound packets (conntrack state NEW on its WAN side), so its
 * filtering is address-and-port-dependent, as in home routers (RFC 4787 §5). Its mapping depends
 * on the MASQUERADE variant ({@link NatMode}).
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { NetnsLab, TURNSERVER_PATH } from "@purertc/testkit/node";
import type { ChildCommand, ChildConfig, ChildEvent } from "./protocol.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const PACKAGE = join(HERE, "..", "..", "..");
/** tsx runs the children on the TypeScript sources; it is a dependency of the workspace's bench/. */
const TSX_LOADER = pathToFileURL(
  createRequire(join(PACKAGE, "..", "..", "bench", "package.json")).resolve("tsx"),
).href;

/** coturn's address for TURN (and STUN), where its relayed addresses are too. */
export const SERVER = "10.201.0.1";
/** A second coturn listener, for STUN from a different address than the TURN server's. */
export const STUN_ONLY_SERVER = "10.201.0.10";
export const STUN_PORT = 3478;
export const NAT_PUBLIC = { a: "10.201.0.2", b: "10.201.0.3" } as const;
export const HOST = { a: "10.202.1.2", b: "10.202.2.2" } as const;
export const TURN_USER = { username: "alice", credential: "secret" } as const;

/**
 * `port-preserving`: plain MASQUERADE keeps the source port and reuses one mapping for every
 * destination (endpoint-independent mapping, a "cone" NAT). `random-fully`: MASQUERADE
 * --random-fully picks a random port for every new flow (address-and-port-dependent mapping,
 * a "symmetric" NAT).
 */
export type NatMode = "port-preserving" | "random-fully";

export type Side = "a" | "b";

type Namespaces = Readonly<Record<"pub" | "natA" | "natB" | "hostA" | "hostB", string>>;

/** The namespaces, the routers' rules and coturn. */
export class NatLab {
  readonly lab = new NetnsLab("ice-nat");
  readonly #ns: Namespaces;
  readonly #dir = mkdtempSync(join(tmpdir(), "purertc-ice-nat-"));
  readonly #agents = new Set<AgentChild>();

  constructor() {
    try {
      this.#ns = this.#build();
    } catch (e) {
      this.lab.closeSync();
      rmSync(this.#dir, { recursive: true, force: true });
      throw e;
    }
  }

  #build(): Namespaces {
    const { lab } = this;
    const ns = {
      pub: lab.add("pub"),
      natA: lab.add("natA"),
      natB: lab.add("natB"),
      hostA: lab.add("hostA"),
      hostB: lab.add("hostB"),
    };
    lab.veth({ ns: ns.natA, name: "wan", address: "10.201.0.2/24" }, { ns: ns.pub, name: "a" });
    lab.veth({ ns: ns.natB, name: "wan", address: "10.201.0.3/24" }, { ns: ns.pub, name: "b" });
    lab.bridge(ns.pub, "br0", ["a", "b"], `${SERVER}/24`);
    lab.ip(ns.pub, "addr", "add", `${STUN_ONLY_SERVER}/24`, "dev", "br0");
    // The rest of "the Internet": a link to a namespace without addresses that swallows
    // everything, so sending to an unroutable address (a peer's private host candidate) is
    // silently lost, as on the real Internet, rather than failing at once with ENETUNREACH.
    lab.veth({ ns: ns.pub, name: "internet" }, { ns: lab.add("sink"), name: "void" });
    lab.ip(ns.pub, "link", "set", "dev", "internet", "arp", "off");
    lab.ip(ns.pub, "route", "add", "default", "dev", "internet");
    for (const [host, nat, lan] of [
      [ns.hostA, ns.natA, "10.202.1"],
      [ns.hostB, ns.natB, "10.202.2"],
    ] as const) {
      lab.veth(
        { ns: nat, name: "lan", address: `${lan}.1/24` },
        { ns: host, name: "eth0", address: `${lan}.2/24` },
      );
      lab.route(host, "default", `${lan}.1`);
      lab.route(nat, "default", SERVER);
      lab.sysctl(nat, "net.ipv4.ip_forward", "1");
      for (const chain of ["INPUT", "FORWARD"])
        lab.iptables(
          nat,
          "-A",
          chain,
          "-i",
          "wan",
          "-m",
          "conntrack",
          "--ctstate",
          "NEW",
          "-j",
          "DROP",
        );
    }
    return ns;
  }

  /** Replaces both routers' MASQUERADE rule. */
  setNat(mode: NatMode): void {
    for (const nat of [this.#ns.natA, this.#ns.natB]) {
      this.lab.iptables(nat, "-t", "nat", "-F", "POSTROUTING");
      const extra = mode === "random-fully" ? ["--random-fully"] : [];
      this.lab.iptables(
        nat,
        "-t",
        "nat",
        "-A",
        "POSTROUTING",
        "-o",
        "wan",
        "-j",
        "MASQUERADE",
        ...extra,
      );
    }
  }

  /** Starts coturn on the public bridge (STUN and TURN on {@link STUN_PORT}). */
  async startCoturn(): Promise<void> {
    const dir = this.#dir;
    // biome-ignore format: one flag and its value per line
    this.lab.spawn(this.#ns.pub, TURNSERVER_PATH, [
      "-n", "--no-cli", "--no-tls", "--no-dtls",
      "-L", SERVER, "-L", STUN_ONLY_SERVER, "-E", SERVER, "-p", String(STUN_PORT),
      "--min-port", "49152", "--max-port", "49407",
      "--lt-cred-mech", "--user", `${TURN_USER.username}:${TURN_USER.credential}`, "--realm", "netns.test",
      "-b", join(dir, "turndb"), "--pidfile", join(dir, "turnserver.pid"),
      "--log-file", join(dir, "turn.log"), "--no-stdout-log", "--simple-log",
    ], { stdio: "ignore" });
    for (let i = 0; i < 100; i++) {
      const pub = this.#ns.pub;
      const bound = (ip: string) => this.lab.udpBound(pub, STUN_PORT, ip);
      if (bound(SERVER) && bound(STUN_ONLY_SERVER)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("turnserver did not bind its UDP port in the public namespace");
  }

  /** Starts an agent child in host `side`'s namespace. */
  spawnAgent(side: Side, config: ChildConfig): AgentChild {
    const child = this.lab.spawn(
      side === "a" ? this.#ns.hostA : this.#ns.hostB,
      process.execPath,
      [
        "--conditions=@purertc/source",
        "--import",
        TSX_LOADER,
        join(HERE, "nat-agent.ts"),
        JSON.stringify(config),
      ],
      { stdio: ["pipe", "pipe", "pipe"], cwd: PACKAGE },
    );
    const agent = new AgentChild(side, child);
    this.#agents.add(agent);
    return agent;
  }

  /** Closes the agents (they deallocate), then stops every child and deletes the namespaces. */
  async close(): Promise<void> {
    await Promise.all([...this.#agents].map((a) => a.close()));
    this.#agents.clear();
    await this.lab.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }

  /** The end of coturn's log (for failure messages). */
  coturnLog(): string {
    try {
      return readFileSync(join(this.#dir, "turn.log"), "utf8").split("\n").slice(-60).join("\n");
    } catch {
      return "(no coturn log)";
    }
  }
}

/** One agent child: its events so far, commands, and waiting for an event. */
export class AgentChild {
  readonly events: ChildEvent[] = [];
  /** The child's stderr. */
  log = "";
  readonly #child: ChildProcess;
  readonly #listeners = new Set<(e: ChildEvent) => void>();
  readonly #exited: Promise<void>;

  constructor(
    readonly side: Side,
    child: ChildProcess,
  ) {
    this.#child = child;
    child.stderr!.on("data", (d: Buffer) => {
      this.log += d.toString();
    });
    createInterface({ input: child.stdout! }).on("line", (line) => {
      let e: ChildEvent;
      try {
        e = JSON.parse(line) as ChildEvent;
      } catch {
        this.log += `(stdout) ${line}\n`;
        return;
      }
      this.events.push(e);
      for (const l of this.#listeners) l(e);
    });
    this.#exited = new Promise((r) => child.once("exit", () => r()));
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Calls `listener` for every event from now on. */
  on(listener: (e: ChildEvent) => void): void {
    this.#listeners.add(listener);
  }

  command(cmd: ChildCommand): void {
    if (this.#child.stdin?.writable) this.#child.stdin.write(`${JSON.stringify(cmd)}\n`);
  }

  /** The first event (already received or to come) matching `pred`, within `ms`. */
  waitFor<E extends ChildEvent>(
    pred: (e: ChildEvent) => e is E,
    ms: number,
    what: string,
  ): Promise<E>;
  waitFor(pred: (e: ChildEvent) => boolean, ms: number, what: string): Promise<ChildEvent>;
  waitFor(pred: (e: ChildEvent) => boolean, ms: number, what: string): Promise<ChildEvent> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const listener = (e: ChildEvent) => {
        if (!pred(e)) return;
        clearTimeout(timer);
        this.#listeners.delete(listener);
        resolve(e);
      };
      const timer = setTimeout(() => {
        this.#listeners.delete(listener);
        reject(
          new Error(
            `agent ${this.side}: no ${what} within ${ms} ms\n--- events ---\n${this.events.map((x) => JSON.stringify(x)).join("\n")}\n--- stderr ---\n${this.log}`,
          ),
        );
      }, ms);
      this.#listeners.add(listener);
    });
  }

  /** The agent's report (state, local candidates, succeeded pairs). */
  async report(): Promise<Extract<ChildEvent, { ev: "report" }>> {
    const before = this.events.length;
    this.command({ cmd: "report" });
    return this.waitFor(
      (e): e is Extract<ChildEvent, { ev: "report" }> =>
        e.ev === "report" && this.events.indexOf(e) >= before,
      5000,
      "report",
    );
  }

  /** Asks the agent to close (TURN deallocation), then waits for the child to exit. */
  async close(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.command({ cmd: "close" });
    const timeout = new Promise<void>((r) => setTimeout(r, 3000).unref());
    await Promise.race([this.#exited, timeout]);
  }
}

/** Trickles between two agents through the parent, then starts both gathering. */
export async function connectAgents(a: AgentChild, b: AgentChild): Promise<void> {
  const isReady = (e: ChildEvent): e is Extract<ChildEvent, { ev: "ready" }> => e.ev === "ready";
  const [ra, rb] = await Promise.all([
    a.waitFor(isReady, 15_000, "ready"),
    b.waitFor(isReady, 15_000, "ready"),
  ]);
  a.command({ cmd: "remote", ufrag: rb.ufrag, pwd: rb.pwd });
  b.command({ cmd: "remote", ufrag: ra.ufrag, pwd: ra.pwd });
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    from.on((e) => {
      if (e.ev === "candidate") to.command({ cmd: "candidate", line: e.line });
      if (e.ev === "end") to.command({ cmd: "end" });
    });
  }
  a.command({ cmd: "gather" });
  b.command({ cmd: "gather" });
}
