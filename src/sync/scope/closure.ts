/**
 * Pure: the chosen groups and every group nested in them, through any depth (cycles are
 * harmless), sorted. Transitive membership, as `transitiveMembers` defines it
 * (api/group-list-transitivemembers.md), computed from direct memberships.
 */
export function groupClosure(
  chosen: readonly string[],
  nested: readonly { groupId: string; memberId: string }[],
): string[] {
  const children = new Map<string, string[]>();
  for (const e of nested) {
    const list = children.get(e.groupId);
    if (list) list.push(e.memberId);
    else children.set(e.groupId, [e.memberId]);
  }
  const seen = new Set(chosen);
  const queue = [...chosen];
  for (let g = queue.shift(); g !== undefined; g = queue.shift()) {
    for (const child of children.get(g) ?? []) {
      if (!seen.has(child)) {
        seen.add(child);
        queue.push(child);
      }
    }
  }
  return [...seen].sort();
}
