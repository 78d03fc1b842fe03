// Fetching records by id for the pages that show related records (a person's sources, an
// incident's victims). A short-lived cache avoids asking twice for the same record on one page;
// it is emptied whenever the signed-in user changes, so one user's view never leaks to the next.
import { api } from '../api/client';
import type { Collection, RecordTypes } from '../api/types';

const cache = new Map<string, Promise<unknown>>();

export function fetchRecord<C extends Collection>(c: C, id: string): Promise<RecordTypes[C]> {
  const key = `${c}/${id}`;
  let p = cache.get(key) as Promise<RecordTypes[C]> | undefined;
  if (!p) {
    p = api.get(c, id);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

// Fetches many; records that cannot be read (deleted, forbidden) come back as null.
export async function fetchRecords<C extends Collection>(c: C, ids: string[]): Promise<Map<string, RecordTypes[C] | null>> {
  const unique = [...new Set(ids)];
  const got = await Promise.all(unique.map((id) => fetchRecord(c, id).then((r) => r, () => null)));
  return new Map(unique.map((id, i) => [id, got[i]]));
}

export function forgetRecord(c: Collection, id: string): void {
  cache.delete(`${c}/${id}`);
}

export function forgetAllRecords(): void {
  cache.clear();
}

// Every page of a list (the server caps a page at 500).
export async function listAll<C extends Collection>(c: C, params: Record<string, string>, max = 2000): Promise<RecordTypes[C][]> {
  const out: RecordTypes[C][] = [];
  for (let offset = 0; offset < max; offset += 500) {
    const page = await api.list(c, { ...params, limit: 500, offset });
    out.push(...page.items);
    if (out.length >= page.total || page.items.length === 0) break;
  }
  return out;
}
