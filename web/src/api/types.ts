// Record shapes of the HTTP API: exactly the interchange JSON of src/domain/codec.cpp, plus the
// fields the server adds to persons in responses (pseudonym, redacted).

export type Sensitivity = 'public' | 'internal' | 'restricted';

export interface ApproximateCount {
  value: number;
  qualifier: string;
}

export interface PersonName {
  value: string;
  script: string;
  kind: string;
}

export interface PersonLink {
  relation: string;
  person_id: string;
}

export interface Person {
  id: string;
  names: PersonName[];
  sex: string;
  birth_date: string | null;
  origin: string;
  unit: string;
  group_size: ApproximateCount | null;
  links: PersonLink[];
  sensitivity: Sensitivity;
  notes: string;
  source_ids: string[];
  // Added by the server in responses only.
  pseudonym?: string;
  redacted?: boolean;
}

export interface Incident {
  id: string;
  type: string;
  title: string;
  start: string;
  end: string | null;
  place: string;
  description: string;
  perpetrator_orgs: string[];
  victim_count: ApproximateCount | null;
  sensitivity: Sensitivity;
  source_ids: string[];
}

export interface Act {
  id: string;
  incident_id: string;
  victim_id: string;
  violations: string[];
  provisions: string[];
  notes: string;
  source_ids: string[];
}

export interface Involvement {
  id: string;
  act_id: string;
  perpetrator_person_id: string;
  perpetrator_org: string;
  degree: string;
  source_ids: string[];
}

export interface Source {
  id: string;
  kind: string;
  title: string;
  date: string | null;
  language: string;
  reliability: string;
  publisher: string;
  url: string;
  text: string;
  contact: string;
  sensitivity: Sensitivity;
  redacted?: boolean;
}

export interface RecordTypes {
  persons: Person;
  incidents: Incident;
  acts: Act;
  involvements: Involvement;
  sources: Source;
}
export type Collection = keyof RecordTypes;
export const COLLECTIONS: Collection[] = ['persons', 'incidents', 'sources', 'acts', 'involvements'];

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export type Role = 'administrator' | 'case_officer' | 'documenter' | 'analyst' | 'viewer';

export interface SessionInfo {
  user: { name: string; role: Role };
  csrf_token: string;
}

export interface HistoryEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  fields?: string[];
  changes?: Record<string, { before: unknown; after: unknown }>;
}

export interface SearchHit {
  person: Person;
  matched: string;
  score: number;
}

export interface VocabularyTerm {
  code: string;
  labels: Record<string, string>;
}
export type Vocabularies = Record<string, VocabularyTerm[]>;

export interface Place {
  code: string;
  parent: string;
  level: string;
  labels: Record<string, string>;
  lat?: number;
  lon?: number;
}

export interface Dashboard {
  incidents_by_type_year: { type: string; year: number; count: number }[];
  counts: { persons: number; incidents: number; sources: number };
  recent_changes: { seq: number; at: string; actor: string; action: string; kind: string; record_id: string }[];
}

// What a role may do (docs/api.md, "Roles").
export function canEdit(role: Role | undefined): boolean {
  return role === 'administrator' || role === 'case_officer' || role === 'documenter';
}
export function canDelete(role: Role | undefined): boolean {
  return role === 'administrator' || role === 'case_officer';
}
export function canSeeHistory(role: Role | undefined): boolean {
  return role !== undefined && role !== 'viewer';
}

// Singular record kind (as in dashboard recent_changes "kind") to collection path.
export function collectionOfKind(kind: string): Collection | null {
  switch (kind) {
    case 'person': return 'persons';
    case 'incident': return 'incidents';
    case 'source': return 'sources';
    case 'act': return 'acts';
    case 'involvement': return 'involvements';
    default: return (COLLECTIONS as string[]).includes(kind) ? (kind as Collection) : null;
  }
}
