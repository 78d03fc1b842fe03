import type { ReactNode } from 'react';
import type { Act, ApproximateCount, Incident, Involvement, Person, PersonName, Source } from '../api/types';
import { IncidentPicker, PersonPicker, SourcePicker } from '../components/pickers';
import { useRecordForm } from '../components/useRecordForm';
import {
  CheckboxGroup, ErrorSummary, Field, FieldGroup, fieldDomId, LoadError, Loading, PageTitle, PlaceSelect, VocabSelect,
} from '../components/ui';
import { useI18n } from '../i18n';
import { personName } from '../lib/display';
import { Link, recordPath, useLocation } from '../lib/router';
import { useTitle } from '../lib/useTitle';
import {
  guessScript, validateAct, validateIncident, validateInvolvement, validatePerson, validateSource,
} from '../lib/validate';
import { useReference } from '../state/reference';

// The label a field shows, for the error summary: "Name 1 › Name as written".
export function labelOnScreen(path: string): string {
  const el = document.getElementById(fieldDomId(path));
  if (!el) return path;
  const own = el.tagName === 'FIELDSET'
    ? el.querySelector('legend')?.textContent
    : document.querySelector(`label[for="${el.id}"]`)?.textContent ?? el.closest('.field')?.querySelector('.field__label-text')?.textContent;
  const group = el.parentElement?.closest('fieldset.fieldgroup--item')?.querySelector('legend')?.textContent;
  return [group, own].filter(Boolean).join(' › ') || path;
}

export function FormShell({ title, children, errors, formError, saving, cancelHref, onSubmit, attempt }: {
  title: string;
  attempt: number;
  children: ReactNode;
  errors: Record<string, string>;
  formError: string | null;
  saving: boolean;
  cancelHref: string;
  onSubmit: (e: React.FormEvent) => void;
}) {
  const { t } = useI18n();
  useTitle(title);
  return (
    <>
      <PageTitle>{title}</PageTitle>
      <form className="form record-form" noValidate onSubmit={onSubmit}>
        <ErrorSummary errors={errors} formError={formError} labels={labelOnScreen} attempt={attempt} />
        {children}
        <div className="form__buttons">
          <button type="submit" className="button" disabled={saving}>{saving ? t('common.saving') : t('common.save')}</button>
          <Link className="button button--secondary" href={cancelHref}>{t('common.cancel')}</Link>
        </div>
      </form>
    </>
  );
}

export function IdField({ value, onChange, error, editing }: { value: string; onChange: (v: string) => void; error?: string; editing: boolean }) {
  const { t } = useI18n();
  if (editing) return null;
  return (
    <Field path="id" label={t('common.id')} hint={t('common.id_hint')} error={error}>
      {(c) => <input {...c} value={value} onChange={(e) => onChange(e.target.value)} autoComplete="off" spellCheck={false} className="input--medium mono" />}
    </Field>
  );
}

function SensitivityField({ value, onChange, error }: { value: string; onChange: (v: Person['sensitivity']) => void; error?: string }) {
  const { t } = useI18n();
  const ref = useReference();
  return (
    <FieldGroup path="sensitivity" legend={t('common.sensitivity')} error={error}>
      <div className="radios">
        {ref.terms('sensitivities').map((term) => (
          <div className="radio" key={term.code}>
            <input type="radio" name="sensitivity" id={`sensitivity-${term.code}`} value={term.code} checked={value === term.code}
              onChange={() => onChange(term.code as Person['sensitivity'])} />
            <label htmlFor={`sensitivity-${term.code}`}>{ref.label('sensitivities', term.code)}</label>
          </div>
        ))}
      </div>
    </FieldGroup>
  );
}

function CountFields({ path, legend, value, onChange, errors, emptyLabel, valueLabel }: {
  path: string;
  legend: string;
  value: ApproximateCount | null;
  onChange: (v: ApproximateCount | null) => void;
  errors: Record<string, string>;
  emptyLabel: string;
  valueLabel: string;
}) {
  const { t } = useI18n();
  return (
    <FieldGroup path={path} legend={legend} error={errors[path]} className="fieldgroup--row">
      <Field path={`${path}.value`} label={valueLabel} error={errors[`${path}.value`]} hint={emptyLabel}>
        {(c) => (
          <input {...c} type="number" min={1} step={1} inputMode="numeric" className="input--short"
            value={value ? String(value.value) : ''}
            onChange={(e) => {
              const v = e.target.value;
              onChange(v === '' ? null : { value: Number(v), qualifier: value?.qualifier ?? 'exact' });
            }} />
        )}
      </Field>
      <Field path={`${path}.qualifier`} label={t('person.qualifier')} error={errors[`${path}.qualifier`]}>
        {(c) => (
          <VocabSelect vocabulary="count_qualifiers" control={c} value={value?.qualifier ?? 'exact'}
            onChange={(q) => onChange({ value: value?.value ?? 1, qualifier: q })} />
        )}
      </Field>
    </FieldGroup>
  );
}

const blank = (s: string | null) => (s && s.trim() ? s.trim() : null);

// ---------------------------------------------------------------------------------------- person

const NEW_PERSON: Person = {
  id: '', names: [{ value: '', script: '', kind: 'legal' }], sex: 'unknown', birth_date: null, origin: '', unit: 'individual',
  group_size: null, links: [], sensitivity: 'internal', notes: '', source_ids: [],
};

function normalisePerson(p: Person): Person {
  return {
    ...p,
    id: p.id.trim(),
    names: p.names.map((n) => ({ ...n, value: n.value.trim() })),
    birth_date: blank(p.birth_date),
    group_size: p.unit === 'individual' ? null : p.group_size,
  };
}

export function PersonForm({ id }: { id?: string }) {
  const { t } = useI18n();
  const f = useRecordForm({ collection: 'persons', id, initial: NEW_PERSON, normalise: normalisePerson, validate: validatePerson });
  if (f.loadError) return <LoadError error={f.loadError} />;
  if (!f.loaded) return <Loading />;
  const p = f.record;
  const e = f.errors;
  const setName = (i: number, change: Partial<PersonName>) =>
    f.update({ names: p.names.map((n, j) => (j === i ? { ...n, ...change } : n)) });
  const title = id ? t('person.edit_title', { name: personName(p, t) }) : t('person.new_title');
  return (
    <FormShell title={title} errors={e} formError={f.formError} saving={f.saving} attempt={f.failedAttempts} onSubmit={f.submit}
      cancelHref={id ? recordPath('persons', id) : '/persons'}>
      <IdField value={p.id} onChange={(v) => f.update({ id: v })} error={e.id} editing={f.editing} />
      <FieldGroup path="names" legend={t('person.names')} hint={t('person.names_hint')} error={e.names}>
        {p.names.map((n, i) => (
          <fieldset key={i} className="fieldgroup fieldgroup--item">
            <legend>{t('person.name_n', { n: i + 1 })}</legend>
            <div className="row">
              <Field path={`names[${i}].value`} label={t('person.name')} error={e[`names[${i}].value`]} required className="grow">
                {(c) => (
                  <input {...c} value={n.value} autoComplete="off" spellCheck={false}
                    onChange={(ev) => {
                      const value = ev.target.value;
                      const guess = !n.script ? guessScript(value) : null;
                      setName(i, guess ? { value, script: guess } : { value });
                    }} />
                )}
              </Field>
              <Field path={`names[${i}].script`} label={t('person.script')} error={e[`names[${i}].script`]} required>
                {(c) => <VocabSelect vocabulary="scripts" control={c} value={n.script} onChange={(v) => setName(i, { script: v })} />}
              </Field>
              <Field path={`names[${i}].kind`} label={t('person.name_kind')} error={e[`names[${i}].kind`]} required>
                {(c) => <VocabSelect vocabulary="name_kinds" control={c} value={n.kind} onChange={(v) => setName(i, { kind: v })} />}
              </Field>
              <button type="button" className="button button--secondary button--small row__end"
                onClick={() => f.update({ names: p.names.filter((_, j) => j !== i) })}>
                {t('person.remove_name', { n: i + 1 })}
              </button>
            </div>
          </fieldset>
        ))}
        <button type="button" className="button button--secondary"
          onClick={() => f.update({ names: [...p.names, { value: '', script: '', kind: p.names.length ? 'alias' : 'legal' }] })}>
          + {t('person.add_name')}
        </button>
      </FieldGroup>
      <div className="row">
        <Field path="sex" label={t('person.sex')} error={e.sex} required>
          {(c) => <VocabSelect vocabulary="sexes" control={c} value={p.sex} onChange={(v) => f.update({ sex: v })} />}
        </Field>
        <Field path="birth_date" label={t('person.birth_date')} hint={t('person.date_hint')} error={e.birth_date}>
          {(c) => <input {...c} value={p.birth_date ?? ''} className="input--date mono" placeholder="1985-03~" autoComplete="off"
            onChange={(ev) => f.update({ birth_date: ev.target.value })} />}
        </Field>
      </div>
      <Field path="origin" label={t('person.origin')} error={e.origin}>
        {(c) => <PlaceSelect control={c} value={p.origin} onChange={(v) => f.update({ origin: v })} />}
      </Field>
      <div className="row">
        <Field path="unit" label={t('person.unit')} error={e.unit} required>
          {(c) => <VocabSelect vocabulary="counting_units" control={c} value={p.unit}
            onChange={(v) => f.update({ unit: v, group_size: v === 'individual' ? null : p.group_size })} />}
        </Field>
      </div>
      {p.unit !== 'individual' && (
        <CountFields path="group_size" legend={t('person.group_size')} value={p.group_size} errors={e}
          onChange={(v) => f.update({ group_size: v })} emptyLabel={t('person.no_group_size')} valueLabel={t('person.group_size_value')} />
      )}
      <FieldGroup path="links" legend={t('person.links')} error={e.links}>
        {p.links.map((l, i) => (
          <fieldset key={i} className="fieldgroup fieldgroup--item">
            <legend>{t('person.link_n', { n: i + 1 })}</legend>
            <div className="row">
              <Field path={`links[${i}].relation`} label={t('person.relation')} error={e[`links[${i}].relation`]} required>
                {(c) => <VocabSelect vocabulary="relations" control={c} value={l.relation}
                  onChange={(v) => f.update({ links: p.links.map((x, j) => (j === i ? { ...x, relation: v } : x)) })} />}
              </Field>
              <div className="grow">
                <PersonPicker path={`links[${i}].person_id`} label={t('person.other_person')} value={l.person_id}
                  error={e[`links[${i}].person_id`]} excludeId={p.id} required
                  onChange={(v) => f.update({ links: p.links.map((x, j) => (j === i ? { ...x, person_id: v } : x)) })} />
              </div>
              <button type="button" className="button button--secondary button--small row__end"
                onClick={() => f.update({ links: p.links.filter((_, j) => j !== i) })}>
                {t('person.remove_link', { n: i + 1 })}
              </button>
            </div>
          </fieldset>
        ))}
        <button type="button" className="button button--secondary"
          onClick={() => f.update({ links: [...p.links, { relation: '', person_id: '' }] })}>
          + {t('person.add_link')}
        </button>
      </FieldGroup>
      <SensitivityField value={p.sensitivity} onChange={(v) => f.update({ sensitivity: v })} error={e.sensitivity} />
      <Field path="notes" label={t('common.notes')} error={e.notes}>
        {(c) => <textarea {...c} rows={4} value={p.notes} onChange={(ev) => f.update({ notes: ev.target.value })} />}
      </Field>
      <SourcePicker path="source_ids" values={p.source_ids} onChange={(v) => f.update({ source_ids: v })} error={e.source_ids} />
    </FormShell>
  );
}

// -------------------------------------------------------------------------------------- incident

const NEW_INCIDENT: Incident = {
  id: '', type: '', title: '', start: '', end: null, place: '', description: '', perpetrator_orgs: [], victim_count: null,
  sensitivity: 'internal', source_ids: [],
};

function normaliseIncident(i: Incident): Incident {
  return { ...i, id: i.id.trim(), title: i.title.trim(), start: i.start.trim(), end: blank(i.end) };
}

export function IncidentForm({ id }: { id?: string }) {
  const { t } = useI18n();
  const f = useRecordForm({ collection: 'incidents', id, initial: NEW_INCIDENT, normalise: normaliseIncident, validate: validateIncident });
  if (f.loadError) return <LoadError error={f.loadError} />;
  if (!f.loaded) return <Loading />;
  const i = f.record;
  const e = f.errors;
  const title = id ? t('incident.edit_title', { name: i.title || i.id }) : t('incident.new_title');
  return (
    <FormShell title={title} errors={e} formError={f.formError} saving={f.saving} attempt={f.failedAttempts} onSubmit={f.submit}
      cancelHref={id ? recordPath('incidents', id) : '/incidents'}>
      <IdField value={i.id} onChange={(v) => f.update({ id: v })} error={e.id} editing={f.editing} />
      <Field path="type" label={t('incident.type')} error={e.type} required>
        {(c) => <VocabSelect vocabulary="incident_types" control={c} value={i.type} onChange={(v) => f.update({ type: v })} />}
      </Field>
      <Field path="title" label={t('incident.title')} error={e.title}>
        {(c) => <input {...c} value={i.title} onChange={(ev) => f.update({ title: ev.target.value })} />}
      </Field>
      <div className="row">
        <Field path="start" label={t('incident.start')} hint={t('person.date_hint')} error={e.start} required>
          {(c) => <input {...c} value={i.start} className="input--date mono" autoComplete="off" onChange={(ev) => f.update({ start: ev.target.value })} />}
        </Field>
        <Field path="end" label={t('incident.end')} hint={t('incident.end_hint')} error={e.end}>
          {(c) => <input {...c} value={i.end ?? ''} className="input--date mono" autoComplete="off" onChange={(ev) => f.update({ end: ev.target.value })} />}
        </Field>
      </div>
      <Field path="place" label={t('incident.place')} error={e.place}>
        {(c) => <PlaceSelect control={c} value={i.place} onChange={(v) => f.update({ place: v })} />}
      </Field>
      <Field path="description" label={t('incident.description')} error={e.description}>
        {(c) => <textarea {...c} rows={5} value={i.description} onChange={(ev) => f.update({ description: ev.target.value })} />}
      </Field>
      <CheckboxGroup path="perpetrator_orgs" legend={t('incident.perpetrator_orgs')} vocabulary="organisations"
        values={i.perpetrator_orgs} onChange={(v) => f.update({ perpetrator_orgs: v })} error={e.perpetrator_orgs} />
      <CountFields path="victim_count" legend={t('incident.victim_count')} value={i.victim_count} errors={e}
        onChange={(v) => f.update({ victim_count: v })} emptyLabel={t('incident.no_victim_count')} valueLabel={t('incident.victim_count_value')} />
      <SensitivityField value={i.sensitivity} onChange={(v) => f.update({ sensitivity: v })} error={e.sensitivity} />
      <SourcePicker path="source_ids" values={i.source_ids} onChange={(v) => f.update({ source_ids: v })} error={e.source_ids} />
    </FormShell>
  );
}

// ---------------------------------------------------------------------------------------- source

const NEW_SOURCE: Source = {
  id: '', kind: '', title: '', date: null, language: '', reliability: 'unknown', publisher: '', url: '', text: '', contact: '',
  sensitivity: 'internal',
};

function normaliseSource(s: Source): Source {
  return { ...s, id: s.id.trim(), title: s.title.trim(), date: blank(s.date), url: s.url.trim(), publisher: s.publisher.trim() };
}

export function SourceForm({ id }: { id?: string }) {
  const { t } = useI18n();
  const f = useRecordForm({ collection: 'sources', id, initial: NEW_SOURCE, normalise: normaliseSource, validate: validateSource });
  if (f.loadError) return <LoadError error={f.loadError} />;
  if (!f.loaded) return <Loading />;
  const s = f.record;
  const e = f.errors;
  const title = id ? t('source.edit_title', { name: s.title || s.id }) : t('source.new_title');
  return (
    <FormShell title={title} errors={e} formError={f.formError} saving={f.saving} attempt={f.failedAttempts} onSubmit={f.submit}
      cancelHref={id ? recordPath('sources', id) : '/sources'}>
      <IdField value={s.id} onChange={(v) => f.update({ id: v })} error={e.id} editing={f.editing} />
      <Field path="kind" label={t('source.kind')} error={e.kind} required>
        {(c) => <VocabSelect vocabulary="source_kinds" control={c} value={s.kind} onChange={(v) => f.update({ kind: v })} />}
      </Field>
      <Field path="title" label={t('source.title')} hint={t('source.title_hint')} error={e.title} required>
        {(c) => <input {...c} value={s.title} onChange={(ev) => f.update({ title: ev.target.value })} />}
      </Field>
      <div className="row">
        <Field path="date" label={t('source.date')} hint={t('person.date_hint')} error={e.date}>
          {(c) => <input {...c} value={s.date ?? ''} className="input--date mono" autoComplete="off" onChange={(ev) => f.update({ date: ev.target.value })} />}
        </Field>
        <Field path="language" label={t('source.language')} error={e.language}>
          {(c) => <VocabSelect vocabulary="languages" control={c} value={s.language} allowEmpty emptyLabel={t('common.none')} onChange={(v) => f.update({ language: v })} />}
        </Field>
        <Field path="reliability" label={t('source.reliability')} error={e.reliability} required>
          {(c) => <VocabSelect vocabulary="reliability" control={c} value={s.reliability} onChange={(v) => f.update({ reliability: v })} />}
        </Field>
      </div>
      <Field path="publisher" label={t('source.publisher')} error={e.publisher}>
        {(c) => <input {...c} value={s.publisher} onChange={(ev) => f.update({ publisher: ev.target.value })} />}
      </Field>
      <Field path="url" label={t('source.url')} error={e.url}>
        {(c) => <input {...c} type="url" value={s.url} inputMode="url" autoComplete="off" onChange={(ev) => f.update({ url: ev.target.value })} />}
      </Field>
      <Field path="text" label={t('source.text')} error={e.text}>
        {(c) => <textarea {...c} rows={8} value={s.text} onChange={(ev) => f.update({ text: ev.target.value })} />}
      </Field>
      <Field path="contact" label={t('source.contact')} hint={t('source.contact_hint')} error={e.contact}>
        {(c) => <textarea {...c} rows={2} value={s.contact} onChange={(ev) => f.update({ contact: ev.target.value })} />}
      </Field>
      <SensitivityField value={s.sensitivity} onChange={(v) => f.update({ sensitivity: v })} error={e.sensitivity} />
    </FormShell>
  );
}

// ------------------------------------------------------------------------------------------- act

const NEW_ACT: Act = { id: '', incident_id: '', victim_id: '', violations: [], provisions: [], notes: '', source_ids: [] };

export function ActForm({ id }: { id?: string }) {
  const { t } = useI18n();
  const loc = useLocation();
  const initial = id ? NEW_ACT : { ...NEW_ACT, incident_id: loc.query.get('incident_id') ?? '', victim_id: loc.query.get('victim_id') ?? '' };
  const f = useRecordForm({ collection: 'acts', id, initial, normalise: (a) => ({ ...a, id: a.id.trim() }), validate: validateAct });
  if (f.loadError) return <LoadError error={f.loadError} />;
  if (!f.loaded) return <Loading />;
  const a = f.record;
  const e = f.errors;
  const back = id ? recordPath('acts', id) : a.incident_id ? recordPath('incidents', a.incident_id) : a.victim_id ? recordPath('persons', a.victim_id) : '/incidents';
  return (
    <FormShell title={id ? t('act.edit_title', { name: id }) : t('act.new_title')} errors={e} formError={f.formError}
      saving={f.saving} attempt={f.failedAttempts} onSubmit={f.submit} cancelHref={back}>
      <IdField value={a.id} onChange={(v) => f.update({ id: v })} error={e.id} editing={f.editing} />
      <IncidentPicker path="incident_id" value={a.incident_id} onChange={(v) => f.update({ incident_id: v })} error={e.incident_id} />
      <PersonPicker path="victim_id" label={t('act.victim')} value={a.victim_id} onChange={(v) => f.update({ victim_id: v })} error={e.victim_id} required />
      <CheckboxGroup path="violations" legend={t('act.violations')} vocabulary="violations" values={a.violations}
        onChange={(v) => f.update({ violations: v })} error={e.violations} />
      <CheckboxGroup path="provisions" legend={t('act.provisions')} vocabulary="legal_provisions" values={a.provisions}
        onChange={(v) => f.update({ provisions: v })} error={e.provisions} />
      <Field path="notes" label={t('act.notes')} error={e.notes}>
        {(c) => <textarea {...c} rows={3} value={a.notes} onChange={(ev) => f.update({ notes: ev.target.value })} />}
      </Field>
      <SourcePicker path="source_ids" values={a.source_ids} onChange={(v) => f.update({ source_ids: v })} error={e.source_ids} />
    </FormShell>
  );
}

// ------------------------------------------------------------------------------------ involvement

const NEW_INVOLVEMENT: Involvement = { id: '', act_id: '', perpetrator_person_id: '', perpetrator_org: '', degree: 'unknown', source_ids: [] };

export function InvolvementForm({ id }: { id?: string }) {
  const { t } = useI18n();
  const loc = useLocation();
  const initial = id ? NEW_INVOLVEMENT : { ...NEW_INVOLVEMENT, act_id: loc.query.get('act_id') ?? '' };
  const f = useRecordForm({ collection: 'involvements', id, initial, normalise: (v) => ({ ...v, id: v.id.trim(), act_id: v.act_id.trim() }), validate: validateInvolvement });
  if (f.loadError) return <LoadError error={f.loadError} />;
  if (!f.loaded) return <Loading />;
  const v = f.record;
  const e = f.errors;
  return (
    <FormShell title={id ? t('inv.edit_title', { name: id }) : t('inv.new_title')} errors={e} formError={f.formError}
      saving={f.saving} attempt={f.failedAttempts} onSubmit={f.submit} cancelHref={v.act_id ? recordPath('acts', v.act_id) : '/incidents'}>
      <IdField value={v.id} onChange={(x) => f.update({ id: x })} error={e.id} editing={f.editing} />
      <Field path="act_id" label={t('inv.act')} error={e.act_id} required>
        {(c) => <input {...c} value={v.act_id} className="input--medium mono" onChange={(ev) => f.update({ act_id: ev.target.value })} />}
      </Field>
      <FieldGroup path="perpetrator" legend={t('incident.perpetrators')} hint={t('inv.either')}>
        <PersonPicker path="perpetrator_person_id" label={t('inv.person')} value={v.perpetrator_person_id}
          onChange={(x) => f.update({ perpetrator_person_id: x, perpetrator_org: x ? '' : v.perpetrator_org })} error={e.perpetrator_person_id} />
        <Field path="perpetrator_org" label={t('inv.org')} error={e.perpetrator_org}>
          {(c) => <VocabSelect vocabulary="organisations" control={c} value={v.perpetrator_org} allowEmpty emptyLabel={t('common.none')}
            onChange={(x) => f.update({ perpetrator_org: x, perpetrator_person_id: x ? '' : v.perpetrator_person_id })} />}
        </Field>
      </FieldGroup>
      <Field path="degree" label={t('inv.degree')} error={e.degree} required>
        {(c) => <VocabSelect vocabulary="involvement_degrees" control={c} value={v.degree} onChange={(x) => f.update({ degree: x })} />}
      </Field>
      <SourcePicker path="source_ids" values={v.source_ids} onChange={(x) => f.update({ source_ids: x })} error={e.source_ids} />
    </FormShell>
  );
}
