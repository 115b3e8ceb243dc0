import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Whether the `openssl` program is installed (Debian package `openssl`). */
export function hasOpenSsl(): boolean {
  return spawnSync("openssl", ["version"], { encoding: "utf8" }).status === 0;
}

/** A throw-away directory with OpenSSL-generated certificates: ECDSA P-256 and RSA 2048. */
export function opensslCertificates(): {
  dir: string;
  ec: { cert: string; key: string };
  rsa: { cert: string; key: string };
  cleanup(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), "purertc-dtls-"));
  const gen = (name: string, keyArgs: string[]) => {
    const cert = join(dir, `${name}.crt`);
    const key = join(dir, `${name}.key`);
    const r = spawnSync(
      "openssl",
      [
        "req",
        "-x509",
        ...keyArgs,
        "-nodes",
        "-subj",
        `/CN=openssl-${name}`,
        "-days",
        "2",
        "-keyout",
        key,
        "-out",
        cert,
      ],
      { encoding: "utf8" },
    );
    if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
    return { cert, key };
  };
  return {
    dir,
    ec: gen("ec", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]),
    rsa: gen("rsa", ["-newkey", "rsa:2048"]),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function readPem(path: string): string {
  return readFileSync(path, "utf8");
}

/** A free UDP port on 127.0.0.1 (bound, read, released). */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket("udp4");
    s.once("error", reject);
    s.bind(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** An `openssl s_server`/`s_client` child with its combined output. */
export class OpenSslProcess {
  readonly #proc: ChildProcessWithoutNullStreams;
  #output = "";
  #exited = false;
  readonly #waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];

  constructor(args: readonly string[]) {
    this.#proc = spawn("openssl", args, { stdio: ["pipe", "pipe", "pipe"] });
    const onData = (d: Buffer) => {
      this.#output += d.toString("latin1");
      for (const w of [...this.#waiters]) {
        const m = this.#output.match(w.re);
        if (m) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    };
    this.#proc.stdout.on("data", onData);
    this.#proc.stderr.on("data", onData);
    this.#proc.on("exit", () => {
      this.#exited = true;
    });
  }

  get output(): string {
    return this.#output;
  }

  get pid(): number | undefined {
    return this.#proc.pid;
  }

  /** Resolves with the first match of `re` in the output; rejects after `ms`. */
  waitFor(re: RegExp, ms = 10_000): Promise<RegExpMatchArray> {
    const m = this.#output.match(re);
    if (m) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      const w = {
        re,
        resolve: (x: RegExpMatchArray) => {
          clearTimeout(timer);
          resolve(x);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        reject(new Error(`openssl output never matched ${re}:\n${this.#output}`));
      }, ms);
      this.#waiters.push(w);
    });
  }

  write(text: string): void {
    this.#proc.stdin.write(text);
  }

  /** Stops the process by its PID and waits for it to exit. */
  stop(): Promise<void> {
    if (this.#exited) return Promise.resolve();
    return new Promise((resolve) => {
      this.#proc.once("exit", () => resolve());
      this.#proc.kill("SIGTERM");
    });
  }
}
