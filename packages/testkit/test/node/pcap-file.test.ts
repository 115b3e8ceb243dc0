import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Driver, NetSim, PcapRecorder } from "../../src/index.js";
import { writePcapFile } from "../../src/node/index.js";
import { Echo, Pinger } from "../toy-endpoints.js";

const dir = mkdtempSync(join(tmpdir(), "testkit-pcap-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hasTcpdump = spawnSync("tcpdump", ["--version"]).status === 0;

describe("pcap file of a simulated run", () => {
  const rec = new PcapRecorder();
  const sim = new NetSim({ link: { latencyMs: 15 }, taps: [rec.tap] });
  sim.addNat("nat", { publicAddress: "203.0.113.1" });
  sim.addHost("a", [{ address: "192.168.1.2", behind: "nat" }, "2001:db8::a"]);
  sim.addHost("b", ["198.51.100.7", "2001:db8::b"]);
  const d = new Driver(sim);
  const v4 = new Pinger({ address: "198.51.100.7", port: 3478 }, 3);
  const v6 = new Pinger({ address: "2001:db8::b", port: 3478 }, 3);
  d.attach("a4", v4, { address: "192.168.1.2", port: 40000 });
  d.attach("a6", v6, { address: "2001:db8::a", port: 40000 });
  d.attach("b", new Echo(), [
    { address: "198.51.100.7", port: 3478 },
    { address: "2001:db8::b", port: 3478 },
  ]);
  v4.start(0);
  v6.start(0);
  d.runUntil(() => v4.done === 3 && v6.done === 3);
  const path = join(dir, "run.pcap");
  writePcapFile(path, rec);

  it("writes the recorder's bytes", () => {
    expect(new Uint8Array(readFileSync(path))).toEqual(rec.toBytes());
    expect(rec.count).toBe(12);
  });

  it("tcpdump reads it: 12 UDP packets, IPv4 and IPv6, checksums correct", () => {
    if (!hasTcpdump) {
      console.warn(
        "[testkit] tcpdump is not installed: skipping the independent pcap read (apt-get install tcpdump)",
      );
      return;
    }
    const r = spawnSync("tcpdump", ["-r", path, "-nn", "-vv"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(r.stdout.match(/UDP, length 4/g)).toHaveLength(12);
    expect(r.stdout).toContain("192.168.1.2.40000 > 198.51.100.7.3478");
    expect(r.stdout).toContain("2001:db8::b.3478 > 2001:db8::a.40000");
    expect(r.stdout).toMatch(/198\.51\.100\.7\.3478 > 203\.0\.113\.1\.\d+: /);
    expect(r.stdout).toMatch(/00:00:00\.030000 IP/);
    expect(r.stdout).not.toMatch(/bad (udp )?cksum/i);
    expect(r.stdout).toMatch(/\[udp sum ok\]/);
    expect(lines.length).toBeGreaterThanOrEqual(12);
  });
});
