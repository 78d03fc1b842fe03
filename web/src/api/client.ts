// The one place that talks to the server. Keeps the CSRF token from the session and sends it on
// every state-changing request; turns error responses into ApiError.
import { ApiError, parseErrorBody } from './errors';
import type {
  Collection, Dashboard, HistoryEntry, Page, Place, RecordTypes, SearchHit, SessionInfo, Vocabularies,
} from './types';

const BASE = '/api/v1';
let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}
// Called when the server says the session is gone (expired, signed out elsewhere).
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export async function request<T>(method: Method, path: string, body?: unknown, opts: { quiet401?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json; charset=utf-8';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, { code: 'network', message: '', field: null });
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  if (!res.ok) {
    const retry = res.headers.get('Retry-After');
    const err = new ApiError(res.status, parseErrorBody(res.status, text), retry ? Number(retry) : null);
    if (res.status === 401 && !opts.quiet401 && onUnauthenticated) onUnauthenticated();
    throw err;
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

export type ListParams = Partial<Record<
  'limit' | 'offset' | 'type' | 'place' | 'year_from' | 'year_to' | 'source_id' | 'incident_id' | 'person_id' | 'act_id',
  string | number
>>;

export function queryString(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

const enc = encodeURIComponent;

export const api = {
  signIn: (username: string, password: string, totp?: string) =>
    request<SessionInfo>('POST', '/session', totp ? { username, password, totp } : { username, password }, { quiet401: true }),
  currentSession: () => request<SessionInfo>('GET', '/session', undefined, { quiet401: true }),
  signOut: () => request<void>('DELETE', '/session', undefined, { quiet401: true }),

  list: <C extends Collection>(c: C, params: ListParams = {}) =>
    request<Page<RecordTypes[C]>>('GET', `/${c}${queryString(params)}`),
  get: <C extends Collection>(c: C, id: string) => request<RecordTypes[C]>('GET', `/${c}/${enc(id)}`),
  create: <C extends Collection>(c: C, record: RecordTypes[C]) => request<RecordTypes[C]>('POST', `/${c}`, record),
  update: <C extends Collection>(c: C, id: string, record: RecordTypes[C]) =>
    request<RecordTypes[C]>('PUT', `/${c}/${enc(id)}`, record),
  remove: (c: Collection, id: string) => request<void>('DELETE', `/${c}/${enc(id)}`),
  history: (c: Collection, id: string) => request<{ entries: HistoryEntry[] }>('GET', `/${c}/${enc(id)}/history`),

  search: (q: string, limit = 20) => request<{ items: SearchHit[] }>('GET', `/search${queryString({ q, limit })}`),
  vocabularies: () => request<Vocabularies>('GET', '/vocabularies'),
  gazetteer: () => request<{ places: Place[] }>('GET', '/gazetteer'),
  dashboard: () => request<Dashboard>('GET', '/dashboard'),
};
