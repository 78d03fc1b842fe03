// Pure rules of the case pages: client-side checks mirroring src/cases/cases.cpp (the server checks
// again and its refusal is shown next to the field it names), what counts as open, and which
// deadlines are near. Unit-tested in web/test/cases.test.ts.
import { earliestDay, latestDay, parsePartialDate } from '../../lib/dates';
import { checkDate, checkId, checkSources, DATE_PROBLEM_KEYS, type Problems } from '../../lib/validate';
import type { CaseFile, Intervention, OverdueReason, Transition } from './api';
import { riskRank } from './api';

// A date that may lie in the future (a deadline, a follow-up): only its form is checked.
function checkAnyDate(field: string, value: string | null, out: Problems): void {
  if (value === null || value.trim() === '') return;
  const r = parsePartialDate(value.trim());
  if (!r.ok) out[field] = { key: DATE_PROBLEM_KEYS[r.problem] };
}

export function validateCase(c: CaseFile, today?: number): Problems {
  const out: Problems = {};
  checkId(c.id, out);
  if (!c.title.trim()) out.title = { key: 'v.required' };
  if (c.person_ids.length === 0) out.person_ids = { key: 'cases.v_person_required' };
  c.person_ids.forEach((id, i) => {
    if (!id) out[`person_ids[${i}]`] = { key: 'v.required' };
  });
  if (!out.person_ids && new Set(c.person_ids.filter(Boolean)).size !== c.person_ids.filter(Boolean).length) {
    out.person_ids = { key: 'v.listed_twice' };
  }
  c.incident_ids.forEach((id, i) => {
    if (!id) out[`incident_ids[${i}]`] = { key: 'v.required' };
  });
  if (new Set(c.incident_ids.filter(Boolean)).size !== c.incident_ids.filter(Boolean).length) out.incident_ids = { key: 'v.listed_twice' };
  if (new Set(c.source_ids).size !== c.source_ids.length) out.source_ids = { key: 'v.source_twice' };
  if (c.officer && !/^[A-Za-z0-9._@-]{1,64}$/.test(c.officer)) out.officer = { key: 'cases.v_officer_name' };
  checkDate('opened', c.opened, out, true, today);
  checkAnyDate('next_deadline', c.next_deadline, out);
  return out;
}

export function validateTransition(t: Transition, allowed: string[], today?: number): Problems {
  const out: Problems = {};
  if (!t.to) out.to = { key: 'v.required' };
  else if (!allowed.includes(t.to)) out.to = { key: 'cases.v_not_allowed' };
  checkDate('date', t.date, out, true, today);
  checkSources(t.source_ids, out);
  return out;
}

export function validateIntervention(i: Intervention, today?: number): Problems {
  const out: Problems = {};
  for (const f of ['actor', 'target', 'track', 'kind'] as const) if (!i[f]) out[f] = { key: 'v.required' };
  checkDate('date', i.date, out, true, today);
  checkAnyDate('follow_up', i.follow_up, out);
  if (!out.date && !out.follow_up && i.follow_up && i.follow_up.trim()) {
    const f = parsePartialDate(i.follow_up.trim());
    if (f.ok && latestDay(f.date) < earliestDayOf(i.date)) out.follow_up = { key: 'cases.v_follow_up_before' };
  }
  if (new Set(i.source_ids).size !== i.source_ids.length) out.source_ids = { key: 'v.source_twice' };
  return out;
}

// The first day a partial date can mean; NaN when it does not parse.
function earliestDayOf(text: string): number {
  const r = parsePartialDate(text.trim());
  return r.ok ? earliestDay(r.date) : Number.NaN;
}

// A case still needs work until it is closed.
export function isOpen(c: CaseFile): boolean {
  return c.status !== 'closed';
}

// Open cases, most urgent first: by risk, then the nearest deadline (none last), then title.
export function byUrgency(a: CaseFile, b: CaseFile): number {
  const da = a.next_deadline ? earliestDayOf(a.next_deadline) : Number.MAX_SAFE_INTEGER;
  const db = b.next_deadline ? earliestDayOf(b.next_deadline) : Number.MAX_SAFE_INTEGER;
  return riskRank(a.risk) - riskRank(b.risk) || da - db || a.title.localeCompare(b.title);
}

// The overdue reasons about one record (the case itself, or one intervention).
export function overdueFor(reasons: OverdueReason[], recordId: string): OverdueReason[] {
  return reasons.filter((r) => r.record_id === recordId);
}
