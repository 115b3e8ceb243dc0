import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  parseIceServerUrl,
  RTCIceCandidate,
  type RTCIceServer,
  RTCPeerConnection,
  RTCSessionDescription,
} from "../../src/node/index.js";
import { connectedPair, negotiate, once, runBundled, until, webrtc } from "./helpers.js";

describe("RTCIceCandidate / RTCSessionDescription / RTCCertificate", () => {
  it("parses every field of a candidate line and round-trips through toJSON", () => {
    const c = new RTCIceCandidate({
      candidate:
        "candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 10.0.0.2 rport 46154 generation 0 ufrag EsAw network-cost 999",
      sdpMid: "0",
      sdpMLineIndex: 0,
    });
    expect(c).toMatchObject({
      foundation: "842163049",
      component: "rtp",
      protocol: "udp",
      priority: 1677729535,
      address: "203.0.113.7",
      port: 46154,
      type: "srflx",
      relatedAddress: "10.0.0.2",
      relatedPort: 46154,
      usernameFragment: "EsAw",
      tcpType: null,
    });
    expect(new RTCIceCandidate(c.toJSON()).toJSON()).toEqual(c.toJSON());
    const tcp = new RTCIceCandidate({
      candidate: "candidate:1 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active",
      sdpMid: "0",
    });
    expect(tcp.tcpType).toBe("active");
    expect(() => new RTCIceCandidate({ candidate: "" })).toThrow(TypeError);
  });

  it("validates RTCSessionDescription types", () => {
    expect(new RTCSessionDescription({ type: "offer", sdp: "v=0" }).toJSON()).toEqual({
      type: "offer",
      sdp: "v=0",
    });
    expect(() => new RTCSessionDescription({ type: "bogus" as never })).toThrow(TypeError);
  });

  it("generates ECDSA certificates with expires and fingerprints; rejects other curves", async () => {
    const before = Date.now();
    const cert = await RTCPeerConnection.generateCertificate({
      name: "ECDSA",
      namedCurve: "P-256",
      expires: 3_600_000,
    });
    expect(cert.expires).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(cert.getFingerprints()[0]).toMatchObject({
      algorithm: "sha-256",
      value: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
    });
    await expect(
      RTCPeerConnection.generateCertificate({ name: "ECDSA", namedCurve: "P-521" }),
    ).rejects.toMatchObject({ name: "NotSupportedError" });
    const pc = new webrtc.RTCPeerConnection({ certificates: [cert] });
    pc.createDataChannel("x");
    const offer = await pc.createOffer();
    expect(offer.sdp).toContain(`a=fingerprint:sha-256 ${cert.getFingerprints()[0]!.value}`);
    expect(pc.getConfiguration().certificates).toEqual([cert]);
    expect(() => pc.setConfiguration({ certificates: [] })).toThrow(
      expect.objectContaining({ name: "InvalidModificationError" }),
    );
    pc.close();
  });
});

describe("RTCPeerConnection negotiation", () => {
  it("validates the configuration's ICE server URLs (RFC 7064/7065)", () => {
    expect(() => new webrtc.RTCPeerConnection({ iceServers: [{ urls: "http://x" }] })).toThrow(
      expect.objectContaining({ name: "SyntaxError" }),
    );
    expect(
      () => new webrtc.RTCPeerConnection({ iceServers: [{ urls: "turn:192.0.2.1" }] }),
    ).toThrow(expect.objectContaining({ name: "InvalidAccessError" }));
    const pc = new webrtc.RTCPeerConnection({
      iceServers: [
        {
          urls: ["stun:192.0.2.1:3478", "turns:[2001:db8::1]:443?transport=tcp"],
          username: "u",
          credential: "p",
        },
      ],
      bundlePolicy: "max-bundle",
    });
    expect(pc.getConfiguration().bundlePolicy).toBe("max-bundle");
    expect(() => pc.setConfiguration({ bundlePolicy: "balanced" })).toThrow(
      expect.objectContaining({ name: "InvalidModificationError" }),
    );
    pc.close();
  });

  it("webrtc-pc §4.4.1.3 validate an ICE server: SyntaxError and InvalidAccessError from the constructor and setConfiguration", () => {
    const make = (iceServers: RTCIceServer[]) => new webrtc.RTCPeerConnection({ iceServers });
    const viaSet = (iceServers: RTCIceServer[]) => {
      const pc = new webrtc.RTCPeerConnection();
      try {
        pc.setConfiguration({ iceServers });
      } finally {
        pc.close();
      }
    };
    const syntax = [
      "",
      "relative-url",
      "http://example.com",
      "turn://example.org/foo?x=y",
      "stun://example.org",
      "stun:example.net:65536",
      "stun:example.net:b",
      "stun:example.net#foo",
      "stun:[61:24:74]:98",
      "stun:192.168.0.257",
      "stun:x x:12",
      "stun:example.net?transport=udp",
      "stun:user@example.net",
      "turn:example.net?transport=sctp",
    ];
    for (const urls of syntax)
      for (const f of [make, viaSet])
        expect(() => f([{ urls, username: "u", credential: "p" }]), urls).toThrow(
          expect.objectContaining({ name: "SyntaxError" }),
        );
    expect(() => make([{ urls: [] }])).toThrow(expect.objectContaining({ name: "SyntaxError" }));
    expect(() => make([{ urls: ["stun:ok.example", ""] }])).toThrow(
      expect.objectContaining({ name: "SyntaxError" }),
    );
    const access: RTCIceServer[] = [
      { urls: "turn:turn.example.net" },
      { urls: "turn:turn.example.net", username: "user" },
      { urls: "turns:turn.example.net", credential: "cred" },
      { urls: "turn:turn.example.net", username: "a".repeat(510), credential: "cred" },
    ];
    for (const server of access)
      for (const f of [make, viaSet])
        expect(() => f([server])).toThrow(expect.objectContaining({ name: "InvalidAccessError" }));
    for (const urls of [
      "stun:example.net:",
      "stun:[2001::1]",
      "turn:turn.example.org?transport=udp",
      "turns:turn.example.org:443?transport=tcp",
    ])
      make([{ urls, username: "a".repeat(509), credential: "" }]).close();
    expect(parseIceServerUrl("turns:[2001:db8::1]:443?transport=tcp")).toMatchObject({
      scheme: "turns",
      host: "2001:db8::1",
      port: 443,
      transport: "tcp",
    });
    expect(parseIceServerUrl("turn:turn.example.org")).toMatchObject({ port: 3478 });
    expect(parseIceServerUrl("stuns:stun.example.org")).toMatchObject({ port: 5349 });
  });

  it("enforces the signaling state machine, rollback and pending/current descriptions", async () => {
    const a = new webrtc.RTCPeerConnection();
    const b = new webrtc.RTCPeerConnection();
    await expect(a.addIceCandidate({ candidate: "", sdpMid: "0" })).rejects.toMatchObject({
      name: "InvalidStateError",
    });
    await expect(a.createAnswer()).rejects.toMatchObject({ name: "InvalidStateError" });
    a.createDataChannel("x");
    const offer = await a.createOffer();
    await a.setLocalDescription(offer);
    expect(a.signalingState).toBe("have-local-offer");
    expect(a.pendingLocalDescription?.type).toBe("offer");
    expect(a.currentLocalDescription).toBeNull();
    await expect(a.setRemoteDescription(offer as RTCSessionDescription)).rejects.toMatchObject({
      name: "InvalidStateError",
    });
    await a.setLocalDescription({ type: "rollback" });
    expect(a.signalingState).toBe("stable");
    expect(a.pendingLocalDescription).toBeNull();
    await b.setRemoteDescription(offer as RTCSessionDescription);
    expect(b.canTrickleIceCandidates).toBe(true);
    await b.setRemoteDescription({ type: "rollback" });
    expect(b.signalingState).toBe("stable");
    await expect(b.setRemoteDescription({ type: "offer", sdp: "garbage" })).rejects.toMatchObject({
      name: "OperationError",
      errorDetail: "sdp-syntax-error",
    });
    a.close();
    b.close();
  });

  it("reads an empty sdpMid as absent and places the candidate by sdpMLineIndex (Pion's ToJSON)", async () => {
    const a = new webrtc.RTCPeerConnection();
    const b = new webrtc.RTCPeerConnection();
    a.createDataChannel("x");
    await b.setRemoteDescription(await a.createOffer());
    const candidate = "candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host";
    await b.addIceCandidate({ candidate, sdpMid: "", sdpMLineIndex: 0 });
    await expect(
      b.addIceCandidate({ candidate, sdpMid: "", sdpMLineIndex: 1 }),
    ).rejects.toMatchObject({
      name: "OperationError",
    });
    await expect(b.addIceCandidate({ candidate, sdpMid: "nope" })).rejects.toMatchObject({
      name: "OperationError",
    });
    a.close();
    b.close();
  });

  it("includes gathered candidates and end-of-candidates in localDescription (non-trickle peers)", async () => {
    const a = new webrtc.RTCPeerConnection();
    a.createDataChannel("x");
    await a.setLocalDescription();
    while (a.iceGatheringState !== "complete") await once(a, "icegatheringstatechange");
    expect(a.localDescription!.sdp).toMatch(/a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/);
    expect(a.localDescription!.sdp).toContain("a=end-of-candidates");
    // A peer that never trickles: everything comes in the descriptions.
    const b = new webrtc.RTCPeerConnection();
    const dc = once(b, "datachannel");
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    while (b.iceGatheringState !== "complete") await once(b, "icegatheringstatechange");
    await a.setRemoteDescription(b.localDescription!);
    await dc;
    await until(a, "connected");
    a.close();
    b.close();
  });

  it("restartIce() renegotiates new credentials while channels keep delivering", async () => {
    const { a, b, ca, cb } = await connectedPair();
    const ufrag = (pc: RTCPeerConnection) => /a=ice-ufrag:(\S+)/.exec(pc.localDescription!.sdp)![1];
    const before = [ufrag(a), ufrag(b)];
    const needed = once(a, "negotiationneeded");
    a.restartIce();
    await needed;
    await negotiate(a, b);
    expect(ufrag(a)).not.toBe(before[0]);
    expect(ufrag(b)).not.toBe(before[1]);
    const got: string[] = [];
    cb.onmessage = (e) => got.push(e.data as string);
    for (let i = 0; i < 50; i++) ca.send(`m${i}`);
    while (got.length < 50) await once(cb, "message");
    expect(got[49]).toBe("m49");
    expect(a.connectionState).toBe("connected");
    a.close();
    b.close();
  });

  it("reports W3C stats ids for every required type", async () => {
    const { a, b, ca, cb } = await connectedPair();
    const m = once(cb, "message");
    ca.send("stats");
    await m;
    const report = await a.getStats();
    const byType = new Map<string, Record<string, unknown>>();
    for (const s of report.values()) byType.set(s.type, s);
    for (const t of [
      "peer-connection",
      "data-channel",
      "transport",
      "candidate-pair",
      "local-candidate",
      "remote-candidate",
      "certificate",
    ])
      expect(byType.has(t), t).toBe(true);
    const transport = byType.get("transport")!;
    expect(report.get(transport.selectedCandidatePairId as string)?.type).toBe("candidate-pair");
    expect(report.get(transport.remoteCertificateId as string)?.type).toBe("certificate");
    expect(transport.dtlsState).toBe("connected");
    expect(byType.get("data-channel")).toMatchObject({
      label: "chat",
      messagesSent: 1,
      bytesSent: 5,
      state: "open",
    });
    a.close();
    b.close();
  });
});

describe("resources", () => {
  it("close() leaves no socket or timer behind (process.getActiveResourcesInfo)", async () => {
    const baseline = process
      .getActiveResourcesInfo()
      .filter((r) => r === "UDPWRAP" || r === "Timeout").length;
    for (let i = 0; i < 5; i++) {
      const { a, b, ca, cb } = await connectedPair();
      const m = once(cb, "message");
      ca.send("x");
      await m;
      a.close();
      b.close();
    }
    await new Promise((r) => setTimeout(r, 50));
    const after = process
      .getActiveResourcesInfo()
      .filter((r) => r === "UDPWRAP" || r === "Timeout").length;
    expect(after).toBeLessThanOrEqual(baseline);
  });

  it("a script that connects, exchanges a message and closes exits on its own", () => {
    const script = `
      import { createWebRtc } from "${join(import.meta.dirname, "../../src/node/index.ts")}";
      const { RTCPeerConnection } = createWebRtc({ addresses: ["127.0.0.1"], mdns: "disabled" });
      const a = new RTCPeerConnection(), b = new RTCPeerConnection();
      a.onicecandidate = (e) => b.addIceCandidate(e.candidate);
      b.onicecandidate = (e) => a.addIceCandidate(e.candidate);
      const ch = a.createDataChannel("x");
      b.ondatachannel = (e) => { e.channel.onmessage = (m) => { console.log("got " + m.data); a.close(); b.close(); }; };
      ch.onopen = () => ch.send("bye");
      await a.setLocalDescription(); await b.setRemoteDescription(a.localDescription);
      await b.setLocalDescription(); await a.setRemoteDescription(b.localDescription);
    `;
    // Bundled first (esbuild, source condition), then run by plain node.
    const r = runBundled(script, "exit");
    expect(r.bundleErrors).toBe("");
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("got bye");
    expect(r.status).toBe(0);
  }, 30_000);
});
