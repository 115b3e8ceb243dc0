/**
 * A WebRTC peer of another stack (Pion, aiortc) running as a child process of the test, driven
 * over stdin/stdout with one JSON object per line: requests `{id, cmd, ...}` answered by
 * `{type: "result"|"error", id, ...}`, and `{type: "event", event, ...}` lines at any time.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

/** An event line of the foreign peer. */
export interface ForeignEvent {
  readonly type: "event";
  readonly event: string;
  readonly [field: string]: unknown;
}

type Result = Record<string, unknown>;

interface Waiter {
  readonly match: (e: ForeignEvent) => boolean;
  readonly resolve: (e: ForeignEvent) => void;
}

export class ForeignPeer {
  readonly name: string;
  readonly #child: ChildProcess;
  readonly #pending = new Map<
    number,
    { resolve: (r: Result) => void; reject: (e: Error) => void }
  >();
  readonly #events: ForeignEvent[] = [];
  readonly #waiters = new Set<Waiter>();
  readonly #listeners = new Set<(e: ForeignEvent) => void>();
  #stderr = "";
  #nextId = 1;
  #exited: string | undefined;

  /** Starts `command args` with its own environment additions; bound to nothing until asked. */
  constructor(name: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    this.name = name;
    this.#child = spawn(command, args, {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    this.#child.stderr!.setEncoding("utf8");
    this.#child.stderr!.on("data", (s: string) => {
      this.#stderr = (this.#stderr + s).slice(-8000);
    });
    createInterface({ input: this.#child.stdout! }).on("line", (line) => this.#line(line));
    this.#child.on("exit", (code, signal) => {
      this.#exited = `${this.name} exited (code ${code}, signal ${signal})`;
      for (const p of this.#pending.values())
        p.reject(new Error(`${this.#exited}\n${this.#stderr}`));
      this.#pending.clear();
    });
  }

  /** The process id (the test kills it by this id). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** What the process wrote on stderr (last 8000 characters), for failure messages. */
  get stderr(): string {
    return this.#stderr;
  }

  #line(line: string): void {
    let msg: { type?: string; id?: number; message?: string; event?: string };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      this.#stderr += `[stdout] ${line}\n`;
      return;
    }
    if (msg.type === "event") {
      const e = msg as ForeignEvent;
      this.#events.push(e);
      for (const l of this.#listeners) l(e);
      for (const w of this.#waiters)
        if (w.match(e)) {
          this.#waiters.delete(w);
          w.resolve(e);
        }
      return;
    }
    const p = this.#pending.get(msg.id ?? -1);
    if (!p) return;
    this.#pending.delete(msg.id!);
    if (msg.type === "error") p.reject(new Error(`${this.name} ${msg.message}`));
    else p.resolve(msg as Result);
  }

  /** Sends a command; resolves with its result, rejects on an error reply or after `timeoutMs`. */
  request<T = Result>(
    cmd: string,
    args: Record<string, unknown> = {},
    timeoutMs = 20_000,
  ): Promise<T> {
    if (this.#exited) return Promise.reject(new Error(`${this.#exited}\n${this.#stderr}`));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.name}: no reply to ${cmd} in ${timeoutMs} ms\n${this.#stderr}`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.#child.stdin!.write(`${JSON.stringify({ id, cmd, ...args })}\n`);
    });
  }

  /** Resolves with the first event (already received or future) that `match` accepts. */
  event(match: (e: ForeignEvent) => boolean, timeoutMs = 10_000): Promise<ForeignEvent> {
    const seen = this.#events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`${this.name}: no matching event in ${timeoutMs} ms\n${this.#stderr}`));
      }, timeoutMs);
      const waiter: Waiter = {
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  /** Calls `listener` with every event, those already received first. */
  onEvent(listener: (e: ForeignEvent) => void): void {
    for (const e of this.#events) listener(e);
    this.#listeners.add(listener);
  }

  /** Kills the process by its pid and waits for it to exit. */
  async close(): Promise<void> {
    if (this.#exited || this.#child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => this.#child.once("exit", () => resolve()));
    this.#child.stdin!.end();
    process.kill(this.#child.pid, "SIGKILL");
    await exited;
  }
}
