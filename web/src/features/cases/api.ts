// Urgent cases over the HTTP API (docs/cases.md, docs/api.md "Urgent cases"): shapes exactly as the
// server writes them, the calls, and who may do what.
import { queryString, request } from '../../api/client';
import type { Role } from '../../api/types';

export const STATUSES = [
  'reported', 'verified', 'detained_in_china', 'transferred_or_at_border', 'returned_to_dprk', 'held_in_dprk',
  'released', 'imprisoned', 'executed', 'escaped_again', 'resettled', 'unknown', 'closed',
] as const;
export type CaseStatus = (typeof STATUSES)[number];

export const RISKS = ['low', 'medium', 'high', 'critical'] as const;
export type Risk = (typeof RISKS)[number];

export interface CaseFile {
  id: string;
  title: string;
  person_ids: string[];
  status: CaseStatus;
  risk: Risk;
  officer: string;
  opened: string;
  next_deadline: string | null;
  incident_ids: string[];
  source_ids: string[];
  notes: string;
  // Added by the server in responses only.
  persons?: { id: string; pseudonym: string }[];
  redacted?: boolean;
  allowed_next?: CaseStatus[];
}

export interface Transition {
  id?: string;
  case_id?: string;
  from?: CaseStatus;
  to: CaseStatus | '';
  date: string;
  source_ids: string[];
  note: string;
}

export interface Intervention {
  id?: string;
  case_id?: string;
  actor: string;
  target: string;
  track: string;
  kind: string;
  date: string;
  response: string;
  follow_up: string | null;
  outcome: string;
  source_ids: string[];
}

export interface OverdueReason {
  what: 'deadline' | 'follow_up';
  record_id: string;
  due: string;
}

export type TimelineItem =
  | { date: string; type: 'transition'; transition: Required<Transition> }
  | { date: string; type: 'intervention'; intervention: Intervention };

export interface Timeline {
  case: CaseFile;
  items: TimelineItem[];
  overdue: OverdueReason[];
}

// Something overdue or falling due soon (GET /reminders): a case deadline or an intervention's
// follow-up. `title` is pseudonymised for roles that may not see a restricted person.
export interface Reminder {
  case_id: string;
  title: string;
  officer: string;
  risk: Risk;
  status: CaseStatus;
  what: 'deadline' | 'follow_up';
  record_id: string;
  due: string;
  days_left: number;
}

export interface CasePage {
  items: CaseFile[];
  total: number;
  limit: number;
  offset: number;
}

const enc = encodeURIComponent;

// Fields the server computes; it ignores them on input, so they are dropped before sending.
export function caseBody(c: CaseFile): CaseFile {
  const { persons: _p, redacted: _r, allowed_next: _a, ...rest } = c;
  return rest;
}

export const casesApi = {
  list: (params: { limit?: number; offset?: number; status?: string } = {}) =>
    request<CasePage>('GET', `/cases${queryString(params)}`),
  overdue: () => request<{ items: { case: CaseFile; overdue: OverdueReason[] }[] }>('GET', '/cases/overdue'),
  reminders: (days = 14) =>
    request<{ today: string; overdue: Reminder[]; upcoming: Reminder[] }>('GET', `/reminders${queryString({ days })}`),
  get: (id: string) => request<CaseFile>('GET', `/cases/${enc(id)}`),
  create: (c: CaseFile) => request<CaseFile>('POST', '/cases', caseBody(c)),
  update: (id: string, c: CaseFile) => request<CaseFile>('PUT', `/cases/${enc(id)}`, caseBody(c)),
  timeline: (id: string) => request<Timeline>('GET', `/cases/${enc(id)}/timeline`),
  transition: (id: string, t: Transition) =>
    request<{ transition: Transition; case: CaseFile }>('POST', `/cases/${enc(id)}/transitions`, t),
  addIntervention: (id: string, i: Intervention) =>
    request<Intervention>('POST', `/cases/${enc(id)}/interventions`, i),
  updateIntervention: (id: string, iid: string, i: Intervention) =>
    request<Intervention>('PUT', `/cases/${enc(id)}/interventions/${enc(iid)}`, i),
};

// Every case, page by page (the server caps a page at 500).
export async function listAllCases(status = '', max = 5000): Promise<CaseFile[]> {
  const out: CaseFile[] = [];
  for (let offset = 0; offset < max; offset += 500) {
    const page = await casesApi.list({ limit: 500, offset, status });
    out.push(...page.items);
    if (out.length >= page.total || page.items.length === 0) break;
  }
  return out;
}

// docs/api.md "Roles": opening and editing cases and recording transitions are for administrators
// and case officers; interventions also for documenters.
export function canManageCases(role: Role | undefined): boolean {
  return role === 'administrator' || role === 'case_officer';
}
export function canRecordInterventions(role: Role | undefined): boolean {
  return role === 'administrator' || role === 'case_officer' || role === 'documenter';
}

const RISK_ORDER: Record<Risk, number> = { critical: 0, high: 1, medium: 2, low: 3 };
export function riskRank(r: Risk): number {
  return RISK_ORDER[r] ?? 4;
}
