import type { ReactNode } from 'react';
import { Badge } from './badge.tsx';
import type { User } from '../types.ts';

/** Active/deactivated, and whether an active user is blind (unassigned). */
export function UserStatus({ user }: { user: User }): ReactNode {
  if (user.status === 'deactivated') return <Badge tone="neutral">Deactivated</Badge>;
  return user.assigned ? <Badge tone="ok">Active</Badge> : <Badge tone="warn">Unassigned</Badge>;
}
