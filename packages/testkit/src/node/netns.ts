/**
 * Network namespaces for real-network tests (Linux, root): uniquely named namespaces, veth pairs
 * created directly inside them (never in the host's namespace, so no test packet can leave the
 * machine), bridges, addresses, routes, sysctls, iptables rules, and commands run inside a
 * namespace. Every namespace and every child started through a {@link NetnsLab} is removed or
 * stopped by {@link NetnsLab.close} (and the namespaces at process exit, should a test crash).
 * Tests skip (loudly) when {@link netnsUnavailable} gives a reason.
 */
import { type ChildProcess, execFileSync, type SpawnOptions, spawn } from "node:child_process";
import { existsSync } from "node:fs";

function findProgram(name: string): string | undefined {
  return ["/usr/sbin", "/sbin", "/usr/bin", "/bin"].map((d) => `${d}/${name}`).find(existsSync);
}

/** iproute2's `ip`, or undefined when not installed. */
export const IP_PATH = findProgram("ip");
/** `iptables` (nf_tables or legacy backend), or undefined when not installed. */
export const IPTABLES_PATH = findProgram("iptables");

/**
 * Why namespaces cannot be used here, or undefined when they can: `ip` missing, not root, or
 * (with `iptables: true`) no `iptables` or no working nat table in a fresh namespace.
 */
export function netnsUnavailable(needs: { readonly iptables?: boolean } = {}): string | undefined {
  if (!IP_PATH) return "the `ip` program is missing (apt-get install iproute2)";
  if (process.getuid?.() !== 0) return "not root: cannot create network namespaces";
  if (!needs.iptables) return undefined;
  if (!IPTABLES_PATH) return "the `iptables` program is missing (apt-get install iptables)";
  const lab = new NetnsLab("probe");
  try {
    const ns = lab.add("nat");
    lab.iptables(ns, "-t", "nat", "-A", "POSTROUTING", "-o", "lo", "-j", "MASQUERADE");
    return undefined;
  } catch (e) {
    return `iptables nat table unusable in a namespace: ${String((e as Error).message).trim()}`;
  } finally {
    lab.closeSync();
  }
}

let labs = 0;

/** One end of a veth pair. */
export interface VethEnd {
  /** Namespace (a name returned by {@link NetnsLab.add}). */
  readonly ns: string;
  /** Interface name inside that namespace (at most 15 characters). */
  readonly name: string;
  /** Address with prefix length, e.g. `10.0.0.1/24`; omitted for a bridge port. */
  readonly address?: string;
}

/** A set of namespaces, links and children created for one test file, removed together. */
export class NetnsLab {
  readonly #prefix: string;
  readonly #namespaces: string[] = [];
  readonly #children = new Set<ChildProcess>();
  readonly #onExit = () => this.closeSync();

  /** `tag` names the test in the namespaces' names (with this process's PID and a counter). */
  constructor(tag: string) {
    if (!IP_PATH) throw new Error("the `ip` program is missing");
    this.#prefix = `purertc-${tag}-${process.pid}-${(++labs).toString(36)}`;
    process.once("exit", this.#onExit);
  }

  /** Creates a namespace with `lo` up and returns its full name. */
  add(name: string): string {
    const ns = `${this.#prefix}-${name}`;
    this.#ip("netns", "add", ns);
    this.#namespaces.push(ns);
    this.ip(ns, "link", "set", "dev", "lo", "up");
    return ns;
  }

  /** Runs `ip ARGS` inside `ns`; returns its stdout. */
  ip(ns: string, ...args: string[]): string {
    return this.#ip("-n", ns, ...args);
  }

  /** Runs `iptables ARGS` inside `ns` (the rules go away with the namespace). */
  iptables(ns: string, ...args: string[]): string {
    if (!IPTABLES_PATH) throw new Error("the `iptables` program is missing");
    return this.exec(ns, IPTABLES_PATH, ...args);
  }

  /** Sets a sysctl inside `ns` (`net.*` keys are per namespace), e.g. `net.ipv4.ip_forward`. */
  sysctl(ns: string, key: string, value: string): void {
    if (!/^[\w.-]+$/.test(key) || !/^[\w.-]+$/.test(value))
      throw new TypeError(`bad sysctl ${key}=${value}`);
    const path = `/proc/sys/${key.replaceAll(".", "/")}`;
    this.exec(ns, "/bin/sh", "-c", `echo ${value} > ${path}`);
  }

  /** Runs a program inside `ns` to completion; returns its stdout, throws with its stderr. */
  exec(ns: string, program: string, ...args: string[]): string {
    return this.#ip("netns", "exec", ns, program, ...args);
  }

  /** A veth pair between two namespaces, both ends up (and addressed when given). */
  veth(a: VethEnd, b: VethEnd): void {
    this.#ip(
      "link",
      "add",
      "name",
      a.name,
      "netns",
      a.ns,
      "type",
      "veth",
      "peer",
      "name",
      b.name,
      "netns",
      b.ns,
    );
    for (const end of [a, b]) {
      if (end.address) this.ip(end.ns, "addr", "add", end.address, "dev", end.name);
      this.ip(end.ns, "link", "set", "dev", end.name, "up");
    }
  }

  /** A bridge inside `ns` (up, addressed when given) with the given interfaces as its ports. */
  bridge(ns: string, name: string, ports: readonly string[], address?: string): void {
    this.ip(ns, "link", "add", "name", name, "type", "bridge");
    for (const port of ports) this.ip(ns, "link", "set", "dev", port, "master", name);
    if (address) this.ip(ns, "addr", "add", address, "dev", name);
    this.ip(ns, "link", "set", "dev", name, "up");
  }

  /** `ip route add DEST via GATEWAY` inside `ns` (`dest` may be `default`). */
  route(ns: string, dest: string, via: string): void {
    this.ip(ns, "route", "add", dest, "via", via);
  }

  /** Starts a program inside `ns`; it is stopped by PID in {@link close}. */
  spawn(ns: string, program: string, args: readonly string[], options: SpawnOptions = {}) {
    const child = spawn(IP_PATH!, ["netns", "exec", ns, program, ...args], options);
    this.#children.add(child);
    child.once("exit", () => this.#children.delete(child));
    return child;
  }

  /** Whether a UDP socket is bound to `port` (on `address`, when given) inside `ns` (per `ss`). */
  udpBound(ns: string, port: number, address?: string): boolean {
    const filter = address ? `src ${address}:${port}` : `sport = :${port}`;
    return this.exec(ns, "ss", "-Hlun", filter).trim().length > 0;
  }

  /** Stops every child (SIGTERM, SIGKILL after 3 s), then deletes every namespace. */
  async close(): Promise<void> {
    await Promise.all([...this.#children].map(stop));
    this.closeSync();
  }

  /** Deletes every namespace now, SIGKILLing children still running. */
  closeSync(): void {
    for (const child of this.#children) if (child.pid) tryKill(child.pid, "SIGKILL");
    this.#children.clear();
    for (const ns of this.#namespaces.splice(0)) {
      try {
        execFileSync(IP_PATH!, ["netns", "del", ns], { stdio: "ignore" });
      } catch {
        // already gone
      }
    }
    process.removeListener("exit", this.#onExit);
  }

  #ip(...args: string[]): string {
    try {
      return execFileSync(IP_PATH!, args, { stdio: "pipe", encoding: "utf8" });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`ip ${args.join(" ")}: ${err.stderr || err.message}`);
    }
  }
}

function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // exited meanwhile
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((r) => child.once("exit", r));
  tryKill(child.pid, "SIGTERM");
  const kill = setTimeout(() => child.pid !== undefined && tryKill(child.pid, "SIGKILL"), 3000);
  await exited;
  clearTimeout(kill);
}
