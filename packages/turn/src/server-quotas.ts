/**
 * Quotas of the TURN server (RFC 8656 §7.2 step 8, §21): allocations in total and per user
 * (486), permissions per allocation (508). Per-user counts include allocations still waiting
 * for their relay sockets. Bandwidth per allocation is metered by the allocation's buckets.
 */
import { normalizeIp, type SocketAddress } from "@purertc/common";
import type { Allocation } from "./allocation.js";
import type { ServerContext } from "./server-context.js";

/** Why a new allocation for `user` is over quota, or `undefined` when it fits. */
export function allocationQuotaRefusal(
  ctx: ServerContext,
  user: string,
): "total-quota" | "user-quota" | undefined {
  const c = ctx.config;
  if (c.maxAllocations > 0 && ctx.allocations.size + ctx.pending.size >= c.maxAllocations)
    return "total-quota";
  const owned = ctx.perUser.get(user) ?? 0;
  if (c.maxAllocationsPerUser > 0 && owned >= c.maxAllocationsPerUser) return "user-quota";
  return undefined;
}

/** Counts one more allocation (pending or live) against `user`. */
export function takeUserQuota(ctx: ServerContext, user: string): void {
  ctx.perUser.set(user, (ctx.perUser.get(user) ?? 0) + 1);
}

/** Gives back one allocation of `user`. */
export function releaseUserQuota(ctx: ServerContext, user: string): void {
  const n = (ctx.perUser.get(user) ?? 1) - 1;
  if (n <= 0) ctx.perUser.delete(user);
  else ctx.perUser.set(user, n);
}

/** Whether permitting `peers` would take the allocation over `maxPermissionsPerAllocation`. */
export function permissionQuotaExceeded(
  ctx: ServerContext,
  a: Allocation,
  peers: readonly SocketAddress[],
): boolean {
  const fresh = peers.filter((p) => !a.permissions.has(normalizeIp(p.address))).length;
  return a.permissions.size + fresh > ctx.config.maxPermissionsPerAllocation;
}
