import { randomUUID } from 'node:crypto';

/** What a group member is: Graph's `@odata.type` without the namespace. */
export type MemberType = 'user' | 'group';

/** A security or Microsoft 365 group of the emulated tenant. */
export interface EmulatedGroup {
  id: string;
  displayName: string;
  /** Direct members, by object id. Nested groups are members of type `group`. */
  members: Map<string, MemberType>;
}

/** One membership change, in the order it happened: what a group delta round reports. */
export interface MemberChange {
  seq: number;
  groupId: string;
  memberId: string;
  type: MemberType;
  removed: boolean;
}

/**
 * Groups and their direct memberships, with a change log so `/groups/delta` can answer
 * "what changed since" (concepts/delta-query-groups.md). Transitive membership is computed
 * on read, as Graph's `transitiveMembers` does.
 */
export class GroupStore {
  readonly groups = new Map<string, EmulatedGroup>();
  readonly log: MemberChange[] = [];
  seq = 0;

  add(displayName: string, id: string = randomUUID()): EmulatedGroup {
    const group: EmulatedGroup = { id, displayName, members: new Map() };
    this.groups.set(id, group);
    return group;
  }

  require(id: string): EmulatedGroup {
    const group = this.groups.get(id);
    if (!group) throw new Error(`group ${id} not found`);
    return group;
  }

  addMember(groupId: string, memberId: string, type: MemberType): void {
    const group = this.require(groupId);
    if (group.members.get(memberId) === type) return;
    group.members.set(memberId, type);
    this.log.push({ seq: ++this.seq, groupId, memberId, type, removed: false });
  }

  removeMember(groupId: string, memberId: string): void {
    const group = this.require(groupId);
    const type = group.members.get(memberId);
    if (type === undefined) return;
    group.members.delete(memberId);
    this.log.push({ seq: ++this.seq, groupId, memberId, type, removed: true });
  }

  /** User ids reachable through nested groups, each once; cycles are harmless. */
  transitiveUsers(groupId: string, isLive: (userId: string) => boolean): string[] {
    const seen = new Set<string>([groupId]);
    const users = new Set<string>();
    const queue = [groupId];
    for (let g = queue.shift(); g !== undefined; g = queue.shift()) {
      for (const [id, type] of this.groups.get(g)?.members ?? []) {
        if (type === 'user') {
          if (isLive(id)) users.add(id);
        } else if (!seen.has(id)) {
          seen.add(id);
          queue.push(id);
        }
      }
    }
    return [...users];
  }
}
