import { describe, expect, it } from "vitest";
import {
  classOfType,
  encodeMessageType,
  FINGERPRINT_XOR,
  isComprehensionRequired,
  MAGIC_COOKIE,
  methodOfType,
  StunAttributeType,
  StunErrorCode,
  StunMethod,
  StunPasswordAlgorithm,
  stunAttributeName,
} from "../src/index.js";

/**
 * The IANA "STUN Attributes" registry (RFC 8489 §18.3, RFC 5780 §9.1, RFC 8445 §20.1), typed
 * here independently of the constants file: name → value.
 */
const IANA_ATTRIBUTES: Record<string, number> = {
  "MAPPED-ADDRESS": 0x0001,
  "CHANGE-REQUEST": 0x0003,
  USERNAME: 0x0006,
  "MESSAGE-INTEGRITY": 0x0008,
  "ERROR-CODE": 0x0009,
  "UNKNOWN-ATTRIBUTES": 0x000a,
  REALM: 0x0014,
  NONCE: 0x0015,
  "MESSAGE-INTEGRITY-SHA256": 0x001c,
  "PASSWORD-ALGORITHM": 0x001d,
  USERHASH: 0x001e,
  "XOR-MAPPED-ADDRESS": 0x0020,
  PRIORITY: 0x0024,
  "USE-CANDIDATE": 0x0025,
  PADDING: 0x0026,
  "RESPONSE-PORT": 0x0027,
  "PASSWORD-ALGORITHMS": 0x8002,
  "ALTERNATE-DOMAIN": 0x8003,
  SOFTWARE: 0x8022,
  "ALTERNATE-SERVER": 0x8023,
  FINGERPRINT: 0x8028,
  "ICE-CONTROLLED": 0x8029,
  "ICE-CONTROLLING": 0x802a,
  "RESPONSE-ORIGIN": 0x802b,
  "OTHER-ADDRESS": 0x802c,
  "GOOG-NETWORK-INFO": 0xc057,
};

describe("constants against the IANA STUN registries", () => {
  it("every attribute type has its IANA value and is registered under its IANA name", () => {
    for (const [name, value] of Object.entries(IANA_ATTRIBUTES))
      expect(stunAttributeName(value)).toBe(name);
    const ours = Object.values(StunAttributeType).sort((a, b) => a - b);
    expect(ours).toEqual(Object.values(IANA_ATTRIBUTES).sort((a, b) => a - b));
  });

  it("methods, error codes and password algorithms (RFC 8489 §18.2, §18.4, §18.5; RFC 8656 §17)", () => {
    expect(StunMethod).toMatchObject({
      Binding: 1,
      Allocate: 3,
      Refresh: 4,
      Send: 6,
      Data: 7,
      CreatePermission: 8,
      ChannelBind: 9,
    });
    expect(StunErrorCode).toEqual({
      TryAlternate: 300,
      BadRequest: 400,
      Unauthenticated: 401,
      UnknownAttribute: 420,
      StaleNonce: 438,
      ServerError: 500,
    });
    expect(StunPasswordAlgorithm).toEqual({ Md5: 1, Sha256: 2 });
  });

  it("RFC 8489 §5 magic cookie, §14.7 fingerprint XOR ('STUN'), §14 comprehension ranges", () => {
    expect(MAGIC_COOKIE).toBe(0x2112a442);
    expect(FINGERPRINT_XOR).toBe(0x5354554e);
    expect(isComprehensionRequired(0x7fff)).toBe(true);
    expect(isComprehensionRequired(0x8000)).toBe(false);
  });

  it("RFC 8489 §5 message types: Binding request 0x0001, success 0x0101, error 0x0111, indication 0x0011", () => {
    expect(encodeMessageType(1, "request")).toBe(0x0001);
    expect(encodeMessageType(1, "success")).toBe(0x0101);
    expect(encodeMessageType(1, "error")).toBe(0x0111);
    expect(encodeMessageType(1, "indication")).toBe(0x0011);
    expect(encodeMessageType(StunMethod.Allocate, "success")).toBe(0x0103);
    expect(encodeMessageType(StunMethod.GoogPing, "request")).toBe(0x0200);
    for (let m = 0; m < 0x1000; m += 37) {
      for (const c of ["request", "indication", "success", "error"] as const) {
        const t = encodeMessageType(m, c);
        expect([methodOfType(t), classOfType(t)]).toEqual([m, c]);
      }
    }
    expect(() => encodeMessageType(0x1000, "request")).toThrow(RangeError);
  });
});
