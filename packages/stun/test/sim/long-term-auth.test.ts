import { type Datagram, type SocketAddress, seededRng, toHex } from "@purertc/common";
import { nodeCrypto } from "@purertc/crypto/node";
import { Driver, NetSim } from "@purertc/testkit";
import { describe, expect, it } from "vitest";
import {
  AlternateDomain,
  AlternateServer,
  attr,
  decodeStunMessage,
  ErrorCode,
  encodeNonceCookie,
  encodeStunMessage,
  getAttribute,
  LongTermCredentials,
  Nonce,
  PasswordAlgorithm,
  PasswordAlgorithms,
  passwordAlgorithmValue,
  Realm,
  readNonceCookie,
  StunBindingClient,
  type StunBindingEvent,
  StunIntegrityKey,
  StunSecurityFeature,
  StunServer,
  type StunServerAuth,
  type StunServerConfig,
  stunUserhash,
  Userhash,
  Username,
  verifyMessageIntegrity,
} from "../../src/index.js";

const SERVER = { address: "198.51.100.1", port: 3478 };
const CLIENT = { address: "203.0.113.5", port: 40000 };
const REALM = "example.org";
const PASSWORDS: Record<string, string> = { alice: "wonderland", bob: "builder" };

function longTermAuth(extra: Partial<StunServerAuth> = {}): StunServerAuth {
  const hashes = new Map(
    Object.keys(PASSWORDS).map((u) => [toHex(stunUserhash(u, REALM, nodeCrypto)), u]),
  );
  return {
    mechanism: "long-term",
    realm: REALM,
    lookup: (u) => PASSWORDS[u],
    userhash: (h) => hashes.get(toHex(h)),
    ...extra,
  };
}

function server(config: Partial<StunServerConfig> = {}): StunServer {
  return new StunServer({
    rateLimit: false,
    crypto: nodeCrypto,
    auth: longTermAuth(),
    ...config,
  });
}

function credentials(extra: Partial<ConstructorParameters<typeof LongTermCredentials>[0]> = {}) {
  return new LongTermCredentials({
    username: "alice",
    password: "wonderland",
    crypto: nodeCrypto,
    ...extra,
  });
}

/**
 * Runs one client query against the server in simulated time without a network: every request
 * is shown to `onRequest`, every response may be rewritten by `tamper` (an on-path attacker).
 */
function query(
  srv: StunServer,
  opts: Parameters<StunBindingClient["query"]>[2],
  tamper: (response: Uint8Array) => Uint8Array = (r) => r,
  onRequest: (request: Uint8Array) => void = () => {},
): StunBindingEvent {
  const client = new StunBindingClient({ rng: seededRng(7) });
  let now = 0;
  client.query(now, SERVER, opts);
  for (let step = 0; step < 10; step++) {
    const t = client.pollTransmit();
    if (!t) break;
    onRequest(t.data);
    now += 10;
    srv.handleDatagram(now, { from: CLIENT, to: SERVER, data: t.data });
    const answer = srv.pollTransmit();
    if (!answer) break;
    now += 10;
    const dgram: Datagram = { from: SERVER, to: CLIENT, data: tamper(answer.data) };
    client.handleDatagram(now, dgram);
  }
  const ev = client.pollEvent();
  expect(ev).toBeDefined();
  return ev!;
}

describe("long-term credentials with password algorithms and USERHASH (RFC 8489 §9.2, simulated time)", () => {
  it("nonce cookie: obMatJos2 + 4 base64 characters of the 24 feature bits, bit 0 the most significant (§9.2.1, §18.1)", () => {
    expect(encodeNonceCookie(StunSecurityFeature.PasswordAlgorithms)).toBe("obMatJos2gAAA");
    expect(
      encodeNonceCookie(
        StunSecurityFeature.PasswordAlgorithms | StunSecurityFeature.UsernameAnonymity,
      ),
    ).toBe("obMatJos2wAAA");
    expect(readNonceCookie("obMatJos2wAAAdeadbeef")).toBe(0xc00000);
    expect(readNonceCookie("obMatJos2")).toBeUndefined();
    expect(readNonceCookie("0123456789abcdef")).toBeUndefined();
  });

  it("USERHASH is SHA-256(username:realm): RFC 8489 Appendix B.1 value", () => {
    expect(toHex(stunUserhash("\u30de\u30c8\u30ea\u30c3\u30af\u30b9", REALM, nodeCrypto))).toBe(
      "4a3cf38fef6992bda952c6780417da0f24819415569e60b205c46e41407f1704",
    );
  });

  it("client answers the 401 with USERHASH, PASSWORD-ALGORITHMS echoed and SHA-256 chosen; later queries are signed at once", () => {
    const srv = server();
    const creds = credentials();
    const requests: Uint8Array[] = [];
    const ev = query(srv, { longTerm: creds }, undefined, (r) => requests.push(r));
    expect(ev).toMatchObject({ type: "success", mappedAddress: CLIENT });
    expect(creds.algorithm).toBe("sha256");
    const signed = decodeStunMessage(requests[1]!);
    expect(getAttribute(signed, Username)).toBeUndefined();
    expect(toHex(getAttribute(signed, Userhash)!)).toBe(
      toHex(stunUserhash("alice", REALM, nodeCrypto)),
    );
    expect(getAttribute(signed, PasswordAlgorithm)).toEqual(passwordAlgorithmValue("sha256"));
    expect(getAttribute(signed, PasswordAlgorithms)).toEqual([
      passwordAlgorithmValue("sha256"),
      passwordAlgorithmValue("md5"),
    ]);
    const key = StunIntegrityKey.longTerm(
      { username: "alice", realm: REALM, password: "wonderland", passwordAlgorithm: "sha256" },
      nodeCrypto,
    );
    expect(verifyMessageIntegrity(signed, key)).toBe(true);
    expect(srv.stats().unauthenticated).toBe(1);
    const again = query(srv, { longTerm: creds });
    expect(again.type).toBe("success");
    expect(srv.stats().unauthenticated).toBe(1);
  });

  it("the server's preference order decides; a client that only accepts MD5 picks MD5 from the list", () => {
    const creds = credentials({ algorithms: ["md5"] });
    expect(query(server(), { longTerm: creds }).type).toBe("success");
    expect(creds.algorithm).toBe("md5");
    const md5First = server({ auth: longTermAuth({ passwordAlgorithms: ["md5", "sha256"] }) });
    const both = credentials();
    expect(query(md5First, { longTerm: both }).type).toBe("success");
    expect(both.algorithm).toBe("md5");
  });

  it("an RFC 5389 server (no negotiation, no USERHASH) gets USERNAME and an MD5 key, and its nonce has no cookie", () => {
    const srv = server({
      auth: longTermAuth({ passwordAlgorithms: [], userhash: undefined }),
    });
    const requests: Uint8Array[] = [];
    const creds = credentials();
    let nonce = "";
    const ev = query(
      srv,
      { longTerm: creds },
      (r) => {
        nonce ||= getAttribute(decodeStunMessage(r), Nonce) ?? "";
        return r;
      },
      (r) => requests.push(r),
    );
    expect(ev.type).toBe("success");
    expect(readNonceCookie(nonce)).toBeUndefined();
    const signed = decodeStunMessage(requests[1]!);
    expect(getAttribute(signed, Username)).toBe("alice");
    expect(getAttribute(signed, PasswordAlgorithms)).toBeUndefined();
    expect(creds.algorithm).toBe("md5");
  });

  it("client side of §9.2.5: a 401 whose nonce announces algorithms but whose PASSWORD-ALGORITHMS was stripped is not retried", () => {
    const strip = (r: Uint8Array) => {
      const m = decodeStunMessage(r);
      const attributes = m.attributes.filter(
        (a) => a.type !== PasswordAlgorithms.type && a.type !== 0x8028,
      );
      return encodeStunMessage({ ...m, attributes }, { fingerprint: true });
    };
    const srv = server();
    const ev = query(srv, { longTerm: credentials() }, strip);
    expect(ev.type).toBe("error");
    expect(ev.type === "error" && ev.error.code).toBe(401);
    expect(ev.type === "error" && ev.authFailure).toMatch(/downgrade/);
    expect(srv.stats().received).toBe(1);
  });

  describe("server side of §9.2.4: requests whose negotiation does not match the 401 get 400", () => {
    const srv = server();
    const challenge = query(srv, {});
    if (challenge.type !== "error") throw new Error("expected the 401");
    const nonce = getAttribute(challenge.response, Nonce)!;
    const ask = (
      attributes: Parameters<typeof encodeStunMessage>[0]["attributes"],
      alg = "md5",
    ) => {
      const key = StunIntegrityKey.longTerm(
        {
          username: "alice",
          realm: REALM,
          password: "wonderland",
          passwordAlgorithm: alg as "md5" | "sha256",
        },
        nodeCrypto,
      );
      const data = encodeStunMessage(
        {
          method: 1,
          class: "request",
          transactionId: new Uint8Array(12).fill(9),
          attributes: [
            attr(Username, "alice"),
            attr(Realm, REALM),
            attr(Nonce, nonce),
            ...attributes,
          ],
        },
        { integrity: key },
      );
      srv.handleDatagram(10, { from: CLIENT, to: SERVER, data });
      const m = decodeStunMessage(srv.pollTransmit()!.data);
      return m.class === "success" ? 200 : getAttribute(m, ErrorCode)!.code;
    };
    const sha = passwordAlgorithmValue("sha256");
    const md5 = passwordAlgorithmValue("md5");

    it("the nonce announces password algorithms and username anonymity", () => {
      expect(readNonceCookie(nonce)).toBe(0xc00000);
    });
    it("PASSWORD-ALGORITHMS rewritten to MD5 only (a bid-down): 400", () => {
      expect(ask([attr(PasswordAlgorithms, [md5]), attr(PasswordAlgorithm, md5)])).toBe(400);
    });
    it("PASSWORD-ALGORITHMS reordered: 400", () => {
      expect(ask([attr(PasswordAlgorithms, [md5, sha]), attr(PasswordAlgorithm, md5)])).toBe(400);
    });
    it("PASSWORD-ALGORITHM without PASSWORD-ALGORITHMS, or the reverse: 400", () => {
      expect(ask([attr(PasswordAlgorithm, sha)], "sha256")).toBe(400);
      expect(ask([attr(PasswordAlgorithms, [sha, md5])])).toBe(400);
    });
    it("an algorithm outside the list: 400", () => {
      const other = { algorithm: 7, parameters: new Uint8Array(0) };
      expect(ask([attr(PasswordAlgorithms, [sha, md5]), attr(PasswordAlgorithm, other)])).toBe(400);
    });
    it("the list as sent and a listed algorithm: accepted with that algorithm's key", () => {
      expect(
        ask([attr(PasswordAlgorithms, [sha, md5]), attr(PasswordAlgorithm, sha)], "sha256"),
      ).toBe(200);
      expect(ask([attr(PasswordAlgorithms, [sha, md5]), attr(PasswordAlgorithm, md5)])).toBe(200);
    });
    it("neither attribute: processed as MD5 (RFC 5389 clients)", () => {
      expect(ask([])).toBe(200);
      expect(ask([], "sha256")).toBe(401);
    });
    it("feature bits stripped from the nonce: the nonce's MAC fails, 438", () => {
      const stripped = `obMatJos2AAAA${nonce.slice(13)}`;
      const key = StunIntegrityKey.longTerm(
        { username: "alice", realm: REALM, password: "wonderland" },
        nodeCrypto,
      );
      const data = encodeStunMessage(
        {
          method: 1,
          class: "request",
          transactionId: new Uint8Array(12).fill(3),
          attributes: [attr(Username, "alice"), attr(Realm, REALM), attr(Nonce, stripped)],
        },
        { integrity: key },
      );
      srv.handleDatagram(10, { from: CLIENT, to: SERVER, data });
      const m = decodeStunMessage(srv.pollTransmit()!.data);
      expect(getAttribute(m, ErrorCode)?.code).toBe(438);
      expect(getAttribute(m, PasswordAlgorithms)).toEqual([sha, md5]);
    });
  });

  it("a server that only allows SHA-256 refuses the MD5 default with 400 and an MD5-only client gives up", () => {
    const srv = server({ auth: longTermAuth({ passwordAlgorithms: ["sha256"] }) });
    const ev = query(srv, { longTerm: credentials({ algorithms: ["md5"] }) });
    expect(ev.type === "error" && ev.authFailure).toMatch(/no common password algorithm/);
    const ok = credentials();
    expect(query(srv, { longTerm: ok }).type).toBe("success");
    expect(ok.algorithm).toBe("sha256");
  });

  it("an unknown USERHASH or a wrong password ends in 401 after one retry", () => {
    const srv = server();
    const eve = query(srv, { longTerm: credentials({ username: "eve" }) });
    expect(eve.type === "error" && eve.error.code).toBe(401);
    const wrong = query(srv, { longTerm: credentials({ password: "nope" }) });
    expect(wrong.type === "error" && wrong.authFailure).toMatch(/rejected/);
    expect(srv.stats().unauthenticated).toBe(4);
  });

  it("438 Stale Nonce: the client retries with the new nonce (through NetSim, 20 ms links, time advanced past the nonce lifetime)", () => {
    const sim = new NetSim({ seed: 3, link: { latencyMs: 20, jitterMs: 5, loss: 0 } });
    sim.addHost("server", SERVER.address);
    sim.addHost("client", CLIENT.address);
    const driver = new Driver(sim, { timeoutMs: 60_000 });
    const srv = server({ auth: longTermAuth({ nonceLifetimeMs: 1000 }) });
    driver.attach("server", srv, SERVER);
    const client = new StunBindingClient({ rng: seededRng(5) });
    const node = driver.attach("client", client, CLIENT);
    const creds = credentials();
    client.query(driver.now, SERVER, { longTerm: creds });
    driver.runUntil(() => node.events.length === 1);
    expect(node.events[0]!.event.type).toBe("success");
    driver.runFor(5000);
    client.query(driver.now, SERVER, { longTerm: creds });
    driver.runUntil(() => node.events.length === 2);
    expect(node.events[1]!.event.type).toBe("success");
    expect(srv.stats()).toMatchObject({ answered: 2, unauthenticated: 2 });
  });
});

describe("ALTERNATE-SERVER redirection (RFC 8489 §10, simulated time)", () => {
  const ALT: SocketAddress = { address: "198.51.100.9", port: 3478 };
  const shortTerm: StunServerAuth = {
    mechanism: "short-term",
    lookup: (u) => (u === "alice" ? "pw" : undefined),
  };
  const key = StunIntegrityKey.shortTerm("pw", nodeCrypto);

  it("an authenticated request gets a signed 300 Try Alternate naming the alternate server (and ALTERNATE-DOMAIN)", () => {
    const srv = server({
      auth: shortTerm,
      alternateServer: { server: ALT, domain: "alt.example" },
    });
    const ev = query(srv, { username: "alice", integrity: key });
    expect(ev).toMatchObject({ type: "error", error: { code: 300 }, alternateServer: ALT });
    const res = ev.type === "error" ? ev.response : undefined;
    expect(verifyMessageIntegrity(res!, key)).toBe(true);
    expect(getAttribute(res!, AlternateDomain)).toBe("alt.example");
    expect(srv.stats().redirected).toBe(1);
  });

  it("an unauthenticated request is not redirected (no forged 300 can steer anyone): 400 or 401", () => {
    const srv = server({ auth: shortTerm, alternateServer: { server: ALT } });
    const anon = query(srv, {});
    expect(anon.type === "error" && anon.error.code).toBe(400);
    const bad = query(srv, {
      username: "alice",
      integrity: StunIntegrityKey.shortTerm("x", nodeCrypto),
    });
    expect(bad.type === "error" && bad.error.code).toBe(401);
    expect(srv.stats().redirected).toBe(0);
  });

  it("a client ignores ALTERNATE-SERVER in an unsigned 300", () => {
    const srv = server({ auth: shortTerm, alternateServer: { server: ALT } });
    const unsign = (r: Uint8Array) => {
      const m = decodeStunMessage(r);
      const attributes = m.attributes.filter((a) => a.type !== 0x0008 && a.type !== 0x8028);
      return encodeStunMessage({ ...m, attributes }, { fingerprint: true });
    };
    const ev = query(srv, { username: "alice", integrity: key }, unsign);
    expect(ev.type === "error" && ev.error.code).toBe(300);
    expect(ev.type === "error" && ev.alternateServer).toBeUndefined();
  });

  it("long-term: the 401 round comes first, then the signed 300; a per-client choice may keep a client here", () => {
    const srv = server({
      alternateServer: (from) => (from.port === CLIENT.port ? { server: ALT } : undefined),
    });
    const ev = query(srv, { longTerm: credentials() });
    expect(ev).toMatchObject({ type: "error", error: { code: 300 }, alternateServer: ALT });
    if (ev.type !== "error") throw new Error("expected the 300");
    expect(getAttribute(ev.response, AlternateServer)).toEqual(ALT);
    const here = server({ alternateServer: () => undefined });
    expect(query(here, { longTerm: credentials() }).type).toBe("success");
  });

  it("needs auth: a redirecting server without it is a configuration error", () => {
    expect(() => new StunServer({ alternateServer: { server: ALT } })).toThrow(TypeError);
  });

  it("a request signed with MESSAGE-INTEGRITY-SHA256 gets its response signed the same way", () => {
    const srv = server({ auth: shortTerm });
    const data = encodeStunMessage(
      {
        method: 1,
        class: "request",
        transactionId: new Uint8Array(12).fill(4),
        attributes: [attr(Username, "alice")],
      },
      { integrity: key, integrityAlgorithm: "sha256" },
    );
    srv.handleDatagram(0, { from: CLIENT, to: SERVER, data });
    const m = decodeStunMessage(srv.pollTransmit()!.data);
    expect(m.class).toBe("success");
    expect(m.attributes.map((a) => a.type)).toContain(0x001c);
    expect(m.attributes.map((a) => a.type)).not.toContain(0x0008);
    expect(verifyMessageIntegrity(m, key, "sha256")).toBe(true);
  });
});
