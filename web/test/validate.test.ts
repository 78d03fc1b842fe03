import { describe, expect, it } from 'vitest';
import type { Act, Incident, Involvement, Person, Source } from '../src/api/types';
import { daysFromCivil } from '../src/lib/dates';
import { fitsScript, guessScript, validateAct, validateIncident, validateInvolvement, validatePerson, validateSource } from '../src/lib/validate';

const today = daysFromCivil(2024, 6, 15);
const person = (p: Partial<Person> = {}): Person => ({
  id: '', names: [{ value: '리설주', script: 'hangul', kind: 'legal' }], sex: 'female', birth_date: null, origin: '',
  unit: 'individual', group_size: null, links: [], sensitivity: 'internal', notes: '', source_ids: ['s-1'], ...p,
});
const keys = (o: Record<string, { key: string }>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.key]));

describe('scripts', () => {
  it('checks that a name is written in its script', () => {
    expect(fitsScript('리설주', 'hangul')).toBe(true);
    expect(fitsScript('Ri Sol-ju', 'latin')).toBe(true);
    expect(fitsScript('李雪主', 'hanja')).toBe(true);
    expect(fitsScript('리설주', 'latin')).toBe(false);
    expect(fitsScript('Ri 설주', 'hangul')).toBe(false);
    expect(fitsScript('123', 'latin')).toBe(false);
    expect(fitsScript('Рi', 'other')).toBe(true);
  });
  it('guesses the script of a typed name', () => {
    expect(guessScript('리순희')).toBe('hangul');
    expect(guessScript('李顺姬')).toBe('hanja');
    expect(guessScript('Ri Sun-hui')).toBe('latin');
    expect(guessScript('Ri 순희')).toBeNull();
    expect(guessScript('')).toBeNull();
  });
});

describe('validatePerson', () => {
  it('accepts a complete person', () => {
    expect(validatePerson(person({ birth_date: '1985-03~' }), today)).toEqual({});
  });
  it('keys each problem by the field path the form shows', () => {
    const p = person({
      id: 'bad id!',
      names: [{ value: 'Ri', script: 'hangul', kind: '' }, { value: ' ', script: '', kind: 'alias' }],
      birth_date: '1985-13',
      group_size: { value: 3, qualifier: 'about' },
      links: [{ relation: '', person_id: 'p-1' }, { relation: 'spouse', person_id: '' }],
      source_ids: [],
    });
    expect(keys(validatePerson(p, today))).toEqual({
      id: 'v.id_chars',
      'names[0].value': 'v.name_script',
      'names[0].kind': 'v.required',
      'names[1].value': 'v.required',
      'names[1].script': 'v.required',
      birth_date: 'v.date_month_range',
      group_size: 'v.individual_group_size',
      'links[0].relation': 'v.required',
      'links[1].person_id': 'v.required',
      source_ids: 'v.sources_required',
    });
  });
  it('checks group sizes of families and links to oneself', () => {
    const p = person({ id: 'p-1', unit: 'family', group_size: { value: 0, qualifier: 'exact' }, links: [{ relation: 'spouse', person_id: 'p-1' }], source_ids: ['s-1', 's-1'] });
    expect(keys(validatePerson(p, today))).toEqual({ 'group_size.value': 'v.count_min', 'links[0].person_id': 'v.link_self', source_ids: 'v.source_twice' });
  });
  it('rejects future and too-early birth dates', () => {
    expect(keys(validatePerson(person({ birth_date: '2030' }), today))).toEqual({ birth_date: 'v.date_in_future' });
    expect(keys(validatePerson(person({ birth_date: '1700' }), today))).toEqual({ birth_date: 'v.date_before_1850' });
  });
});

describe('other records', () => {
  const incident = (i: Partial<Incident> = {}): Incident => ({
    id: '', type: 'forced_return', title: '', start: '2019-03', end: null, place: 'cn', description: '', perpetrator_orgs: [],
    victim_count: null, sensitivity: 'internal', source_ids: ['s-1'], ...i,
  });
  it('validates incidents: required start, end not before start', () => {
    expect(validateIncident(incident(), today)).toEqual({});
    expect(keys(validateIncident(incident({ type: '', start: '' }), today))).toEqual({ type: 'v.required', start: 'v.required' });
    expect(keys(validateIncident(incident({ start: '2019-03', end: '2019-02' }), today))).toEqual({ end: 'v.end_before_start' });
    expect(validateIncident(incident({ start: '2019-03-10', end: '2019-03' }), today)).toEqual({});
    expect(keys(validateIncident(incident({ victim_count: { value: 0, qualifier: 'about' } }), today))).toEqual({ 'victim_count.value': 'v.count_min' });
  });
  it('validates sources', () => {
    const s: Source = { id: '', kind: 'testimony', title: 'Testimony 12', date: '2019', language: 'ko', reliability: 'high', publisher: '', url: '', text: '', contact: '', sensitivity: 'restricted' };
    expect(validateSource(s, today)).toEqual({});
    expect(keys(validateSource({ ...s, kind: '', title: ' ', url: 'ftp://x' }, today))).toEqual({ kind: 'v.required', title: 'v.required', url: 'v.url' });
  });
  it('validates acts and involvements', () => {
    const a: Act = { id: '', incident_id: 'i-1', victim_id: 'p-1', violations: ['refoulement'], provisions: [], notes: '', source_ids: ['s-1'] };
    expect(validateAct(a)).toEqual({});
    expect(keys(validateAct({ ...a, violations: [], victim_id: '' }))).toEqual({ victim_id: 'v.required', violations: 'v.violation_required' });
    const v: Involvement = { id: '', act_id: 'a-1', perpetrator_person_id: '', perpetrator_org: 'prc_mps', degree: 'carried_out', source_ids: ['s-1'] };
    expect(validateInvolvement(v)).toEqual({});
    expect(keys(validateInvolvement({ ...v, perpetrator_person_id: 'p-2' }))).toEqual({ perpetrator_person_id: 'v.one_perpetrator' });
    expect(keys(validateInvolvement({ ...v, perpetrator_org: '' }))).toEqual({ perpetrator_person_id: 'v.one_perpetrator' });
  });
});
