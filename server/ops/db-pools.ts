// The PostgreSQL connection pools this process opens itself (the replicas' relay and rate limit, the run-record
// writer, the readiness probe), by name, for the metrics to read at scrape time. Prisma's own pool sits inside its
// driver adapter and is not observable from here; SQLite has no pool.
export interface ObservablePool {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

const pools = new Map<string, ObservablePool>();

/** Registers a pool under a fixed name (the latest pool of a name replaces an earlier one). */
export function watchPool(name: string, pool: ObservablePool): void {
  pools.set(name, pool);
}

export function watchedPools(): ReadonlyMap<string, ObservablePool> {
  return pools;
}
