/**
 * `iceServers` resolution for the Node adapter (RFC 7064 `stun:`, RFC 7065 `turn:`/`turns:`):
 * each TURN URL keeps its transport (UDP, TCP, TLS) and the host a certificate is checked
 * against; `stuns:` is skipped; TURN without credentials is a TypeError.
 */
import { silentLogger } from "@purertc/common";
import { describe, expect, it } from "vitest";
import { resolveIceServers } from "../../src/node/index.js";

const creds = { username: "alice", credential: "secret" };

describe("resolveIceServers", () => {
  it("RFC 7065 §3: turn: is UDP, ?transport=tcp is TCP, turns: is TLS on 5349 by default", async () => {
    const r = await resolveIceServers(
      [
        {
          urls: [
            "turn:127.0.0.1",
            "turn:127.0.0.1:3479?transport=tcp",
            "turns:127.0.0.1",
            "turns:[::1]:443?transport=tcp",
          ],
          ...creds,
        },
      ],
      silentLogger,
    );
    expect(r.turn.map((t) => [t.url, t.transport, t.server.address, t.server.port])).toEqual([
      ["turn:127.0.0.1", "udp", "127.0.0.1", 3478],
      ["turn:127.0.0.1:3479?transport=tcp", "tcp", "127.0.0.1", 3479],
      ["turns:127.0.0.1", "tls", "127.0.0.1", 5349],
      ["turns:[::1]:443?transport=tcp", "tls", "::1", 443],
    ]);
  });

  it("a host name is resolved for the address and kept as the TLS server name", async () => {
    const r = await resolveIceServers([{ urls: "turns:localhost:5349", ...creds }], silentLogger);
    expect(r.turn[0]).toMatchObject({ host: "localhost", transport: "tls" });
    expect(["127.0.0.1", "::1"]).toContain(r.turn[0]!.server.address);
  });

  it("stuns: is skipped, stun: joins the STUN servers", async () => {
    const r = await resolveIceServers(
      [{ urls: ["stuns:127.0.0.1", "stun:127.0.0.1:3480"] }],
      silentLogger,
    );
    expect(r.stun).toEqual([{ address: "127.0.0.1", port: 3480 }]);
    expect(r.turn).toEqual([]);
  });

  it("a TURN URL without credentials throws TypeError, as RTCPeerConnection does", async () => {
    await expect(resolveIceServers([{ urls: "turns:127.0.0.1" }], silentLogger)).rejects.toThrow(
      TypeError,
    );
  });
});
