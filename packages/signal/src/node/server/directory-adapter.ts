import type { DirectoryInput, DirectoryOp } from "../../server/directory.js";
import { MemoryDirectory } from "../../server/directory.js";

/** A directory as the server adapter drives it: operations in, inputs out through `onInput`. */
export interface Directory {
  /** Set by the server: an answer or event for the core. */
  onInput: (input: DirectoryInput) => void;
  /** Set by the server: events may have been lost; the core resynchronises. */
  onReset: () => void;
  start(): Promise<void>;
  submit(op: DirectoryOp): void;
  close(): Promise<void>;
}

/** The single-node directory: {@link MemoryDirectory} answering synchronously. */
export class LocalDirectory implements Directory {
  onInput: (input: DirectoryInput) => void = () => {};
  onReset: () => void = () => {};
  readonly #memory = new MemoryDirectory();

  async start(): Promise<void> {}

  submit(op: DirectoryOp): void {
    for (const input of this.#memory.apply(op)) this.onInput(input);
  }

  async close(): Promise<void> {}
}
