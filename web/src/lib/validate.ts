// Client-side checks of a record before it is saved, after the server's rules
// (src/domain/validate.cpp). Each problem is keyed by the field path the form renders
// ("names[0].value") and described by a message key, so the form shows it in the chosen language.
// The server remains the authority: whatever it still rejects comes back with a `field`.
import type { Act, Incident, Involvement, Person, Source, ApproximateCount } from '../api/types';
import type { MessageKey } from '../i18n/messages';
import { checkRecordDate, latestDay, earliestDay, parsePartialDate, type DateProblem } from './dates';

export interface Problem {
  key: MessageKey;
  vars?: Record<string, string | number>;
}
export type Problems = Record<string, Problem>;

export const DATE_PROBLEM_KEYS: Record<DateProblem, MessageKey> = {
  year_digits: 'v.date_year_digits',
  after_year: 'v.date_after_year',
  month_range: 'v.date_month_range',
  after_month: 'v.date_after_month',
  no_such_day: 'v.date_no_such_day',
  before_1850: 'v.date_before_1850',
  in_future: 'v.date_in_future',
};

const ID_PATTERN = /^[A-Za-z0-9._-]+$/;

export function checkId(id: string, out: Problems): void {
  // The id may be left empty on creation: the server assigns one.
  if (!id) return;
  if (id.length > 64) out.id = { key: 'v.id_too_long' };
  else if (!ID_PATTERN.test(id)) out.id = { key: 'v.id_chars' };
}

export function checkDate(field: string, value: string | null, out: Problems, required = false, today?: number): void {
  if (value === null || value.trim() === '') {
    if (required) out[field] = { key: 'v.required' };
    return;
  }
  const r = checkRecordDate(value, today);
  if (!r.ok) out[field] = { key: DATE_PROBLEM_KEYS[r.problem] };
}

function checkCount(field: string, c: ApproximateCount | null, out: Problems): void {
  if (!c) return;
  if (!Number.isInteger(c.value) || c.value < 1) out[`${field}.value`] = { key: 'v.count_min' };
  if (!c.qualifier) out[`${field}.qualifier`] = { key: 'v.required' };
}

export function checkSources(ids: string[], out: Problems): void {
  if (ids.length === 0) {
    out.source_ids = { key: 'v.sources_required' };
    return;
  }
  if (new Set(ids).size !== ids.length) out.source_ids = { key: 'v.source_twice' };
}

// Whether the letters of a name are written in its declared script (non-letters are ignored),
// as the server's FitsScript does.
export function fitsScript(value: string, script: string): boolean {
  const letters = [...value].filter((ch) => /\p{L}/u.test(ch));
  if (letters.length === 0) return false;
  const test: Record<string, RegExp> = {
    hangul: /\p{Script=Hangul}/u,
    hanja: /\p{Script=Han}/u,
    chinese: /\p{Script=Han}/u,
    latin: /\p{Script=Latin}/u,
    cyrillic: /\p{Script=Cyrillic}/u,
  };
  const re = test[script];
  return re ? letters.every((ch) => re.test(ch)) : true;
}

// Guesses the script of a typed name, to preselect it in the form.
export function guessScript(value: string): string | null {
  const letters = [...value].filter((ch) => /\p{L}/u.test(ch));
  if (letters.length === 0) return null;
  for (const [script, re] of [
    ['hangul', /\p{Script=Hangul}/u],
    ['hanja', /\p{Script=Han}/u],
    ['latin', /\p{Script=Latin}/u],
    ['cyrillic', /\p{Script=Cyrillic}/u],
  ] as const) {
    if (letters.every((ch) => re.test(ch))) return script;
  }
  return null;
}

export function validatePerson(p: Person, today?: number): Problems {
  const out: Problems = {};
  checkId(p.id, out);
  p.names.forEach((n, i) => {
    const f = `names[${i}]`;
    if (!n.value.trim()) out[`${f}.value`] = { key: 'v.required' };
    else if (n.script && !fitsScript(n.value, n.script)) out[`${f}.value`] = { key: 'v.name_script' };
    if (!n.script) out[`${f}.script`] = { key: 'v.required' };
    if (!n.kind) out[`${f}.kind`] = { key: 'v.required' };
  });
  if (!p.sex) out.sex = { key: 'v.required' };
  checkDate('birth_date', p.birth_date, out, false, today);
  if (!p.unit) out.unit = { key: 'v.required' };
  if (p.group_size) {
    if (p.unit === 'individual') out.group_size = { key: 'v.individual_group_size' };
    else checkCount('group_size', p.group_size, out);
  }
  p.links.forEach((l, i) => {
    const f = `links[${i}]`;
    if (!l.relation) out[`${f}.relation`] = { key: 'v.required' };
    if (!l.person_id) out[`${f}.person_id`] = { key: 'v.required' };
    else if (p.id && l.person_id === p.id) out[`${f}.person_id`] = { key: 'v.link_self' };
  });
  checkSources(p.source_ids, out);
  return out;
}

export function validateIncident(i: Incident, today?: number): Problems {
  const out: Problems = {};
  checkId(i.id, out);
  if (!i.type) out.type = { key: 'v.required' };
  checkDate('start', i.start, out, true, today);
  checkDate('end', i.end, out, false, today);
  if (!out.start && !out.end && i.end && i.end.trim()) {
    const s = parsePartialDate(i.start.trim());
    const e = parsePartialDate(i.end.trim());
    if (s.ok && e.ok && latestDay(e.date) < earliestDay(s.date)) out.end = { key: 'v.end_before_start' };
  }
  checkCount('victim_count', i.victim_count, out);
  if (new Set(i.perpetrator_orgs).size !== i.perpetrator_orgs.length) out.perpetrator_orgs = { key: 'v.listed_twice' };
  checkSources(i.source_ids, out);
  return out;
}

export function validateSource(s: Source, today?: number): Problems {
  const out: Problems = {};
  checkId(s.id, out);
  if (!s.kind) out.kind = { key: 'v.required' };
  if (!s.title.trim()) out.title = { key: 'v.required' };
  checkDate('date', s.date, out, false, today);
  if (!s.reliability) out.reliability = { key: 'v.required' };
  if (s.url && !/^https?:\/\/\S+$/i.test(s.url.trim())) out.url = { key: 'v.url' };
  return out;
}

export function validateAct(a: Act): Problems {
  const out: Problems = {};
  checkId(a.id, out);
  if (!a.incident_id) out.incident_id = { key: 'v.required' };
  if (!a.victim_id) out.victim_id = { key: 'v.required' };
  if (a.violations.length === 0) out.violations = { key: 'v.violation_required' };
  checkSources(a.source_ids, out);
  return out;
}

export function validateInvolvement(v: Involvement): Problems {
  const out: Problems = {};
  checkId(v.id, out);
  if (!v.act_id) out.act_id = { key: 'v.required' };
  const hasPerson = !!v.perpetrator_person_id;
  const hasOrg = !!v.perpetrator_org;
  if (hasPerson === hasOrg) out.perpetrator_person_id = { key: 'v.one_perpetrator' };
  if (!v.degree) out.degree = { key: 'v.required' };
  checkSources(v.source_ids, out);
  return out;
}
