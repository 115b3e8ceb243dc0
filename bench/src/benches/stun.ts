/**
 * STUN on the ICE hot path: a connectivity check (USERNAME, PRIORITY, ICE-CONTROLLING,
 * USE-CANDIDATE, MESSAGE-INTEGRITY, FINGERPRINT; 92 bytes), encoded with integrity and
 * fingerprint, and decoded + verified (integrity and fingerprint) with the attributes an ICE
 * agent reads (USERNAME, PRIORITY, ICE-CONTROLLING). Same message, same keys for every
 * contender. `purertc` signs with nodeCrypto through a cached StunIntegrityKey and decodes with
 * `viewStunMessage` (what the ICE agent uses: header and attribute layout checked, attributes
 * decoded when read), werift and `stun` decode every attribute up front.
 *
 * There is no separate `nobleCrypto` contender: for STUN-sized messages both providers run the
 * same JavaScript HMAC-SHA1 (`Sha1Hmac`), and a second purertc contender built by the same
 * factory only measured V8 sharing feedback between the two closures (whichever ran first was
 * up to 2x slower, in either order).
 */
import { createRequire } from "node:module";
import { nodeCrypto } from "@purertc/crypto/node";
import {
  attr,
  encodeStunMessage,
  getAttribute,
  IceControlling,
  Priority,
  StunIntegrityKey,
  StunMethod,
  UseCandidate,
  Username,
  verifyFingerprint,
  verifyMessageIntegrity,
  viewStunMessage,
} from "@purertc/stun";
import { classes, Message, methods, parseMessage } from "werift";
import { defineBench } from "../harness.js";

const require = createRequire(import.meta.url);
const stunPkg = require("stun") as {
  createMessage(
    type: number,
    tid?: Buffer,
  ): {
    addUsername(u: string): void;
    addPriority(p: number): void;
    addIceControlling(t: Buffer): void;
    addUseCandidate(): void;
    addMessageIntegrity(pwd: string): void;
    addFingerprint(): void;
    toBuffer(): Buffer;
    getAttribute(type: number): { value: unknown } | undefined;
  };
  decode(b: Buffer): unknown;
  validateFingerprint(m: unknown): boolean;
  validateMessageIntegrity(m: unknown, pwd: string): boolean;
  constants: Record<string, number>;
};

const USERNAME = "abcd:efgh";
const PASSWORD = "Sjh9X2cSJqrkaBcDeFgHiJ";
const PRIORITY = 1853824767;
const TIEBREAKER = 0x1234567890abcdefn;
const TID = Uint8Array.from({ length: 12 }, (_, i) => i * 17);

function purertcEncode() {
  return () => {
    const key = StunIntegrityKey.shortTerm(PASSWORD, nodeCrypto);
    const options = { integrity: key, fingerprint: true };
    return () =>
      encodeStunMessage(
        {
          method: StunMethod.Binding,
          class: "request",
          transactionId: TID,
          attributes: [
            attr(Username, USERNAME),
            attr(Priority, PRIORITY),
            attr(IceControlling, TIEBREAKER),
            attr(UseCandidate),
          ],
        },
        options,
      );
  };
}

const CHECK = purertcEncode()()();
if (CHECK.length !== 92) throw new Error(`ICE check is ${CHECK.length} bytes, expected 92`);
const CHECK_BUF = Buffer.from(CHECK);

function purertcDecode() {
  return () => {
    const key = StunIntegrityKey.shortTerm(PASSWORD, nodeCrypto);
    return () => {
      const m = viewStunMessage(CHECK);
      if (!verifyMessageIntegrity(m, key) || !verifyFingerprint(m))
        throw new Error("verify failed");
      getAttribute(m, Username);
      getAttribute(m, Priority);
      getAttribute(m, IceControlling);
    };
  };
}

export default defineBench({
  name: "stun",
  cases: [
    {
      name: "ICE check encode + MESSAGE-INTEGRITY + FINGERPRINT (92 B)",
      unit: "ops/s",
      contenders: {
        purertc: purertcEncode(),
        werift: () => {
          const key = Buffer.from(PASSWORD);
          const tid = Buffer.from(TID);
          return () =>
            new Message(methods.BINDING, classes.REQUEST, tid)
              .setAttribute("USERNAME", USERNAME)
              .setAttribute("PRIORITY", PRIORITY)
              .setAttribute("ICE-CONTROLLING", TIEBREAKER)
              .setAttribute("USE-CANDIDATE", null)
              .addMessageIntegrity(key)
              .addFingerprint().bytes;
        },
        stun: () => {
          const tid = Buffer.from(TID);
          const type = stunPkg.constants.STUN_BINDING_REQUEST!;
          const tiebreaker = Buffer.alloc(8);
          tiebreaker.writeBigUInt64BE(TIEBREAKER);
          return () => {
            const m = stunPkg.createMessage(type, tid);
            m.addUsername(USERNAME);
            m.addPriority(PRIORITY);
            m.addIceControlling(tiebreaker);
            m.addUseCandidate();
            m.addMessageIntegrity(PASSWORD);
            m.addFingerprint();
            return m.toBuffer();
          };
        },
      },
    },
    {
      name: "ICE check decode + verify MESSAGE-INTEGRITY and FINGERPRINT (92 B)",
      unit: "ops/s",
      contenders: {
        purertc: purertcDecode(),
        werift: () => {
          const key = Buffer.from(PASSWORD);
          return () => {
            const m = parseMessage(CHECK_BUF, key);
            if (!m) throw new Error("werift: verify failed");
            m.getAttributeValue("USERNAME");
            m.getAttributeValue("PRIORITY");
            m.getAttributeValue("ICE-CONTROLLING");
          };
        },
        stun: () => () => {
          const m = stunPkg.decode(CHECK_BUF) as {
            getAttribute(t: number): { value: unknown } | undefined;
          };
          if (!stunPkg.validateFingerprint(m) || !stunPkg.validateMessageIntegrity(m, PASSWORD)) {
            throw new Error("stun: verify failed");
          }
          m.getAttribute(stunPkg.constants.STUN_ATTR_USERNAME!);
          m.getAttribute(stunPkg.constants.STUN_ATTR_PRIORITY!);
          m.getAttribute(stunPkg.constants.STUN_ATTR_ICE_CONTROLLING!);
        },
      },
    },
  ],
});
