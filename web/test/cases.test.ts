import { describe, expect, it } from 'vitest';
import { RISKS, STATUSES, type CaseFile, type Intervention } from '../src/features/cases/api';
import { byUrgency, isOpen, validateCase, validateIntervention, validateTransition } from '../src/features/cases/logic';
import { en } from '../src/i18n/messages';
import { daysFromCivil } from '../src/lib/dates';

const TODAY = daysFromCivil(2025, 3, 10);

const aCase = (change: Partial<CaseFile> = {}): CaseFile => ({
  id: '', title: 'Family held in Tumen', person_ids: ['per-1'], status: 'reported', risk: 'medium', officer: 'kim',
  opened: '2025-03-01', next_deadline: null, incident_ids: [], source_ids: [], notes: '', ...change,
});

const anIntervention = (change: Partial<Intervention> = {}): Intervention => ({
  actor: 'ngo_self', target: 'unhcr', track: 'un_mechanism', kind: 'urgent_appeal', date: '2025-03-03', response: '',
  follow_up: null, outcome: '', source_ids: ['src-1'], ...change,
});

describe('case form checks', () => {
  it('accept a complete case', () => {
    expect(validateCase(aCase(), TODAY)).toEqual({});
  });

  it('ask for a title, a reported date and at least one person', () => {
    const p = validateCase(aCase({ title: ' ', opened: '', person_ids: [] }), TODAY);
    expect(p.title?.key).toBe('v.required');
    expect(p.opened?.key).toBe('v.required');
    expect(p.person_ids?.key).toBe('cases.v_person_required');
  });

  it('name the empty person picker and the person chosen twice', () => {
    expect(validateCase(aCase({ person_ids: ['per-1', ''] }), TODAY)['person_ids[1]']?.key).toBe('v.required');
    expect(validateCase(aCase({ person_ids: ['per-1', 'per-1'] }), TODAY).person_ids?.key).toBe('v.listed_twice');
  });

  it('refuse a reported date in the future but accept a future deadline', () => {
    expect(validateCase(aCase({ opened: '2025-04' }), TODAY).opened?.key).toBe('v.date_in_future');
    expect(validateCase(aCase({ next_deadline: '2025-12-31' }), TODAY)).toEqual({});
    expect(validateCase(aCase({ next_deadline: '2025-13' }), TODAY).next_deadline?.key).toBe('v.date_month_range');
  });

  it('refuse an officer name the server could not hold', () => {
    expect(validateCase(aCase({ officer: 'kim jong' }), TODAY).officer?.key).toBe('cases.v_officer_name');
    expect(validateCase(aCase({ officer: '' }), TODAY)).toEqual({});
  });
});

describe('transition form checks', () => {
  const allowed = ['detained_in_china', 'closed'];
  it('accept an allowed step with a date and a source', () => {
    expect(validateTransition({ to: 'detained_in_china', date: '2025-03-05', source_ids: ['src-1'], note: '' }, allowed, TODAY)).toEqual({});
  });
  it('refuse a step the workflow does not offer, a missing date and a missing source', () => {
    const p = validateTransition({ to: 'verified', date: '', source_ids: [], note: '' }, allowed, TODAY);
    expect(p.to?.key).toBe('cases.v_not_allowed');
    expect(p.date?.key).toBe('v.required');
    expect(p.source_ids?.key).toBe('v.sources_required');
  });
});

describe('intervention form checks', () => {
  it('accept an intervention without sources or follow-up', () => {
    expect(validateIntervention(anIntervention({ source_ids: [] }), TODAY)).toEqual({});
  });
  it('ask for actor, target, track, kind and date', () => {
    const p = validateIntervention(anIntervention({ actor: '', target: '', track: '', kind: '', date: '' }), TODAY);
    expect(Object.keys(p).sort()).toEqual(['actor', 'date', 'kind', 'target', 'track']);
  });
  it('refuse a follow-up before the intervention, as the server does', () => {
    expect(validateIntervention(anIntervention({ follow_up: '2025-03-02' }), TODAY).follow_up?.key).toBe('cases.v_follow_up_before');
    // A month-precise follow-up in the same month may mean a later day: accepted.
    expect(validateIntervention(anIntervention({ follow_up: '2025-03' }), TODAY)).toEqual({});
    expect(validateIntervention(anIntervention({ follow_up: '2026-01-01' }), TODAY)).toEqual({});
  });
});

describe('urgency', () => {
  it('counts a case as open until it is closed', () => {
    expect(isOpen(aCase({ status: 'executed' }))).toBe(true);
    expect(isOpen(aCase({ status: 'closed' }))).toBe(false);
  });

  it('orders critical before high, then the nearest deadline, cases without one last', () => {
    const list = [
      aCase({ title: 'c', risk: 'high', next_deadline: null }),
      aCase({ title: 'b', risk: 'high', next_deadline: '2025-03-12' }),
      aCase({ title: 'a', risk: 'critical', next_deadline: '2025-05-01' }),
      aCase({ title: 'd', risk: 'low', next_deadline: '2025-03-11' }),
    ];
    expect([...list].sort(byUrgency).map((c) => c.title)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('case text', () => {
  it('has a label for every status and risk level the server knows', () => {
    for (const s of STATUSES) expect(`cases.status_${s}` in en, s).toBe(true);
    for (const r of RISKS) expect(`cases.risk_${r}` in en, r).toBe(true);
  });
});
