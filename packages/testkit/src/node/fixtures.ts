import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The one fixture store of the repository: `packages/testkit/fixtures/<area>/<name>` with a
 * `<name>.provenance.json` beside each fixture saying who produced it and how.
 */
export const FIXTURES_DIR: string = join(import.meta.dirname, "..", "..", "fixtures");

/** Where a fixture came from. Every fixture has one. */
export interface FixtureProvenance {
  /** The program that produced the bytes, e.g. `"Chromium"`, `"GStreamer rtpvp8pay"`. */
  readonly producer: string;
  /** Its version, as it reported it. */
  readonly version: string;
  /** ISO date of the capture. */
  readonly captured: string;
  /** How it was captured, precisely enough to do it again. */
  readonly how: string;
  readonly notes?: string;
}

/** Absolute path of a fixture; throws if it does not exist. */
export function fixturePath(area: string, name: string): string {
  const p = join(FIXTURES_DIR, area, name);
  if (!existsSync(p)) throw new Error(`fixture not found: ${area}/${name}`);
  return p;
}

/** A fixture's bytes. */
export function readFixture(area: string, name: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(area, name)));
}

/** A fixture as UTF-8 text (byte-exact: no newline conversion). */
export function readTextFixture(area: string, name: string): string {
  return readFileSync(fixturePath(area, name), "utf8");
}

/** The provenance record of a fixture. */
export function fixtureProvenance(area: string, name: string): FixtureProvenance {
  return JSON.parse(
    readFileSync(`${fixturePath(area, name)}.provenance.json`, "utf8"),
  ) as FixtureProvenance;
}

/** Names of the fixtures of an area (provenance files excluded), sorted. */
export function listFixtures(area: string): string[] {
  const dir = join(FIXTURES_DIR, area);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => !n.endsWith(".provenance.json"))
    .sort();
}
