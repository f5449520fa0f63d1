/** Partition sets by topic id, the currency of KIP-848 assignments. */
export type Assignment = Map<string, Set<number>>;

export const emptyAssignment = (): Assignment => new Map();

export function assignmentFromWire(topicPartitions: { topicId: string; partitions: number[] }[] | null | undefined): Assignment {
  const out: Assignment = new Map();
  for (const tp of topicPartitions ?? []) {
    if (tp.partitions.length === 0) continue;
    const set = out.get(tp.topicId) ?? new Set<number>();
    for (const p of tp.partitions) set.add(p);
    out.set(tp.topicId, set);
  }
  return out;
}

export function assignmentToWire(a: Assignment): { topicId: string; partitions: number[] }[] {
  return [...a]
    .filter(([, ps]) => ps.size > 0)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([topicId, ps]) => ({ topicId, partitions: [...ps].sort((x, y) => x - y) }));
}

export function assignmentsEqual(a: Assignment, b: Assignment): boolean {
  const nonEmpty = (m: Assignment) => [...m].filter(([, s]) => s.size > 0);
  const aa = nonEmpty(a);
  if (aa.length !== nonEmpty(b).length) return false;
  return aa.every(([t, s]) => {
    const other = b.get(t);
    return other !== undefined && other.size === s.size && [...s].every((p) => other.has(p));
  });
}

export function assignmentSize(a: Assignment): number {
  let n = 0;
  for (const s of a.values()) n += s.size;
  return n;
}

export function containsPartition(a: Assignment, topicId: string, partition: number): boolean {
  return a.get(topicId)?.has(partition) ?? false;
}

/** Whether every partition in `sub` is in `of`. */
export function isSubset(sub: Assignment, of: Assignment): boolean {
  for (const [t, ps] of sub) for (const p of ps) if (!containsPartition(of, t, p)) return false;
  return true;
}
