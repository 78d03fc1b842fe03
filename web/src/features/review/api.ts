// The review routes of the server (docs/api.md, "Record linkage review"), and the last cluster
// change of this browser tab, which the pages offer to undo.
import { queryString, request } from '../../api/client';
import type { Person } from '../../api/types';

export type CandidateStatus = 'pending' | 'confirmed' | 'rejected';

export interface ExplainedField {
  comparison: string;
  level: string;
  value_a: string;
  value_b: string;
  m: number;
  u: number;
  weight: number;
  tf_adjustment: number;
}

export interface Explanation {
  prior_weight: number;
  total: number;
  probability: number;
  fields: ExplainedField[];
}

export interface Candidate {
  id: number;
  probability: number;
  status: CandidateStatus;
  decided_by: string;
  decided_at: string;
  // Withheld from roles that may not see restricted persons when a side is restricted.
  withheld: boolean;
  person_a: (Person & { deleted?: boolean }) | null;
  person_b: (Person & { deleted?: boolean }) | null;
  explanation: Explanation | null;
}

export interface CandidatePage {
  items: Candidate[];
  total: number;
  limit: number;
  offset: number;
}

export interface ClusterChange {
  seq: number;
  action: string;
}

export interface Cluster {
  person_id: string;
  cluster_id: string | null;
  members: Person[];
}

export interface LinkSummary {
  records: number;
  candidate_pairs: number;
  queued: number;
  already_together: number;
  seconds: number;
}

const enc = encodeURIComponent;

export const reviewApi = {
  candidates: (status: CandidateStatus, limit: number, offset: number) =>
    request<CandidatePage>('GET', `/link-candidates${queryString({ status, limit, offset })}`),
  decide: (id: number, decision: 'confirm' | 'reject') =>
    request<{ id: number; status: string; change: ClusterChange | null }>('POST', `/link-candidates/${id}/decision`, { decision }),
  run: () => request<LinkSummary>('POST', '/link-candidates/run', {}),
  cluster: (personId: string) => request<Cluster>('GET', `/persons/${enc(personId)}/cluster`),
  split: (personId: string) => request<{ change: ClusterChange | null }>('POST', '/clusters/split', { person_id: personId }),
  undo: (seq: number) => request<{ change: ClusterChange | null }>('POST', '/clusters/undo', { seq }),
};

// The last merge or split made in this tab (sessionStorage: gone when the tab closes).
const LAST_CHANGE = 'dossier.review.last_change';

export function lastChange(): ClusterChange | null {
  try {
    const raw = sessionStorage.getItem(LAST_CHANGE);
    if (!raw) return null;
    const c = JSON.parse(raw) as ClusterChange;
    return typeof c.seq === 'number' && typeof c.action === 'string' ? c : null;
  } catch {
    return null;
  }
}

export function rememberChange(c: ClusterChange | null): void {
  try {
    if (c && (c.action === 'merge' || c.action === 'split')) sessionStorage.setItem(LAST_CHANGE, JSON.stringify(c));
    else sessionStorage.removeItem(LAST_CHANGE);
  } catch {
    // storage unavailable: undo is offered until the page changes
  }
}
