/**
 * A throwaway self-signed certificate for TLS tests (TURN over TLS, RFC 8656 §3.1): an ECDSA
 * P-256 key and certificate for 127.0.0.1 and `localhost`, made by `openssl` in a temporary
 * directory. Tests trust it by passing `cert` as their CA.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A certificate and key on disk (for servers) and the certificate's PEM (for clients). */
export interface SelfSignedCert {
  readonly dir: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** The certificate, PEM. */
  readonly cert: string;
  /** Removes the directory. */
  remove(): void;
}

/** Makes a certificate valid for two days; needs `openssl` on PATH (throws otherwise). */
export function selfSignedCert(): SelfSignedCert {
  const dir = mkdtempSync(join(tmpdir(), "purertc-tls-"));
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ],
    { stdio: "ignore" },
  );
  return {
    dir,
    certFile,
    keyFile,
    cert: readFileSync(certFile, "utf8"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
