// Ingestion and source text search over the HTTP API (docs/evidence.md, "Ingestion" and
// "Full-text search"): shapes exactly as the server writes them, and the calls.
import { queryString, request } from '../../api/client';
import type { Role } from '../../api/types';

export type CandidateKind = 'place' | 'date' | 'count' | 'organisation' | 'incident_type' | 'person';
export const CANDIDATE_KINDS: CandidateKind[] = ['incident_type', 'date', 'place', 'count', 'organisation', 'person'];

export interface Candidate {
  id: string;
  source_id: string;
  kind: CandidateKind;
  begin: number;
  end: number;
  begin16: number; // UTF-16 offsets into the source text, for slicing JavaScript strings
  end16: number;
  quote: string;
  value: string;
  labels: { en?: string; ko?: string };
  qualifier: string;
  key: string;
  note: string;
  confidence: number;
  status: 'pending' | 'confirmed' | 'rejected';
  decided_by: string;
  decided_at: string;
}

export interface IngestedSource {
  id: string;
  kind: string;
  title: string;
  date: string | null;
  language: string;
  publisher: string;
  url: string;
  sensitivity: string;
  text?: string;
}

export interface IncidentDraft {
  type?: string;
  start?: string;
  end?: string;
  place?: string;
  victim_count?: { value: number; qualifier: string };
  perpetrator_orgs?: string[];
  sensitivity: string;
  source_ids: string[];
}

export interface SourceView {
  source: IngestedSource & { text: string };
  candidates: Candidate[];
  draft: IncidentDraft;
}

export interface IngestDocument {
  text?: string;
  content_base64?: string;
  filename?: string;
  format?: 'auto' | 'text' | 'html';
  encoding?: string;
  kind?: string;
  title?: string;
  publisher?: string;
  published?: string;
  language?: string;
  url?: string;
  sensitivity?: string;
}

export interface SearchHit {
  source: IngestedSource;
  score: number;
  snippet: string;
}

export const ingestApi = {
  ingest: (doc: IngestDocument) => request<SourceView>('POST', '/ingest', doc),
  source: (id: string) => request<SourceView>('GET', `/ingest/sources/${encodeURIComponent(id)}`),
  decide: (id: string, confirm: boolean) =>
    request<{ candidate: Candidate; draft: IncidentDraft }>(
      'POST', `/ingest/candidates/${encodeURIComponent(id)}/${confirm ? 'confirm' : 'reject'}`, {}),
  search: (q: string, offset = 0) =>
    request<{ items: SearchHit[]; total: number; limit: number; offset: number }>(
      'GET', `/sources/search${queryString({ q, limit: 20, offset })}`),
};

// Roles that write records decide on candidates (the server checks it too).
export function canIngest(role: Role | undefined): boolean {
  return role === 'administrator' || role === 'case_officer' || role === 'documenter';
}

// Base64 of a file's bytes, for content_base64 (the server checks the encoding and format).
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

// The text cut into plain runs and highlighted spans; where candidates overlap, the first (in
// text order, then the longest) is highlighted and the others are listed only.
export interface Segment {
  text: string;
  candidate?: Candidate;
}
export function segments(text: string, candidates: Candidate[]): Segment[] {
  const sorted = [...candidates].sort((a, b) => a.begin16 - b.begin16 || b.end16 - a.end16);
  const out: Segment[] = [];
  let at = 0;
  for (const c of sorted) {
    if (c.begin16 < at || c.end16 > text.length) continue;
    if (c.begin16 > at) out.push({ text: text.slice(at, c.begin16) });
    out.push({ text: text.slice(c.begin16, c.end16), candidate: c });
    at = c.end16;
  }
  if (at < text.length) out.push({ text: text.slice(at) });
  return out;
}
