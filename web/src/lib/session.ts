import { createContext, type Resource, useContext } from 'solid-js';
import type { Role } from '../graphql/fragments';
import type { Viewer } from '../graphql/operations';

/** The signed-in viewer, fetched once by the Shell and shared with every page inside it. */
export const ViewerContext = createContext<Resource<Viewer>>();

export function useViewer(): Resource<Viewer> {
  const viewer = useContext(ViewerContext);
  if (!viewer) throw new Error('useViewer() outside the Shell');
  return viewer;
}

export const ROLES: Role[] = ['OWNER', 'ADMIN', 'AGENT', 'VIEWER'];

export const ROLE_INFO: Record<Role, { label: string; description: string }> = {
  OWNER: { label: 'Owner', description: 'Everything, including adding owners and admins.' },
  ADMIN: { label: 'Admin', description: 'Settings, rules, channels and the team (agents and viewers).' },
  AGENT: { label: 'Agent', description: 'Answers customers: takes over, replies and releases conversations.' },
  VIEWER: { label: 'Viewer', description: 'Reads the inbox; cannot reply or change anything.' },
};

/** Owners and admins manage the workspace: settings, rules, channels and the team. */
export function canManage(role: Role | undefined): boolean {
  return role === 'OWNER' || role === 'ADMIN';
}

/** The roles `role` may give a new member (the API: owners add any, admins add agents and viewers). */
export function assignableRoles(role: Role | undefined): Role[] {
  if (role === 'OWNER') return ROLES;
  if (role === 'ADMIN') return ['AGENT', 'VIEWER'];
  return [];
}
