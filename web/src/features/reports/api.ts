// The report routes of the server (docs/reports.md): templates, matching cases, statistics,
// previews and the PDF and HXL downloads.
import { api, queryString, request } from '../../api/client';
import { ApiError, parseErrorBody } from '../../api/errors';

export interface TemplateInfo {
  mechanism: string;
  name: { en: string; ko: string };
  word_limit: number | null;
  joint_word_limit: number | null;
  needs_cases: boolean;
}

export interface Selection {
  incident_type: string;
  place: string;
  year_from: number | null;
  year_to: number | null;
  case_ids: string[];
}

export interface MatchingCase {
  id: string;
  title: string;
  status: string;
  persons: string;
  incidents: { type: string; start: string; province: string }[];
}

export interface ReportRequest {
  mechanism: string;
  lang: 'en' | 'ko';
  organisation: string;
  joint: boolean;
  estimates: boolean;
  threshold: number;
  redact: boolean;
  unredact_reason?: string;
  selection: Selection;
}

export interface Preview {
  title: string;
  mechanism: string;
  lang: string;
  redacted: boolean;
  words: number;
  word_limit: number | null;
  trimmed: string[];
  warnings: string[];
  redaction: string[];
  case_ids: string[];
  article: string;
}

// Downloads go through fetch (they are not JSON), with the session's CSRF token.
async function download(path: string, body: unknown, fallbackName: string): Promise<{ blob: Blob; name: string }> {
  const session = await api.currentSession();
  const res = await fetch(`/api/v1${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-CSRF-Token': session.csrf_token },
    body: JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  if (!res.ok) throw new ApiError(res.status, parseErrorBody(res.status, await res.text()));
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  return { blob: await res.blob(), name };
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const reportsApi = {
  templates: () => request<{ items: TemplateInfo[] }>('GET', '/reports/templates'),
  cases: (s: Pick<Selection, 'incident_type' | 'place' | 'year_from' | 'year_to'>) =>
    request<{ items: MatchingCase[] }>('GET', `/reports/cases${queryString({ ...s })}`),
  preview: (r: ReportRequest) => request<Preview>('POST', '/reports/preview', r),
  pdf: (r: ReportRequest) => download('/reports/pdf', r, 'report.pdf'),
  hxl: (selection: Selection, organisation: string, format: 'csv' | 'json') =>
    download('/reports/hxl', { selection: { ...selection, case_ids: [] }, organisation, format }, `dossier-hxl.${format}`),
};
