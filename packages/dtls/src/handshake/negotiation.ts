import type { DtlsFailureReason } from "../events.js";

/** Why a hello could not be accepted: the failure reason, the alert to send and a message. */
export interface Refusal {
  readonly refused: true;
  readonly reason: DtlsFailureReason;
  readonly alert: number;
  readonly message: string;
}

export function refuse(reason: DtlsFailureReason, alert: number, message: string): Refusal {
  return { refused: true, reason, alert, message };
}

export function isRefusal<T extends object>(v: T | Refusal): v is Refusal {
  return (v as Refusal).refused === true;
}
