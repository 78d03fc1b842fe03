// Opening and editing a case: title, persons (found by name with the person picker), risk, officer,
// dates, linked incidents and sources, notes. The status is not edited here: it changes only by a
// transition (TransitionForm).
import { IncidentPicker, PersonPicker, SourcePicker } from '../../components/pickers';
import { useForm } from '../../components/useRecordForm';
import { Field, FieldGroup, LoadError, Loading } from '../../components/ui';
import { useI18n } from '../../i18n';
import { FormShell, IdField } from '../../pages/Forms';
import { useSession } from '../../state/session';
import { casesApi, RISKS, type CaseFile } from './api';
import { casePath, riskLabel } from './bits';
import { validateCase } from './logic';

const NEW_CASE: CaseFile = {
  id: '', title: '', person_ids: [''], status: 'reported', risk: 'medium', officer: '', opened: '', next_deadline: null,
  incident_ids: [], source_ids: [], notes: '',
};

function normaliseCase(c: CaseFile): CaseFile {
  const deadline = c.next_deadline?.trim() ?? '';
  return { ...c, id: c.id.trim(), title: c.title.trim(), officer: c.officer.trim(), opened: c.opened.trim(), next_deadline: deadline || null };
}

export function CaseForm({ id }: { id?: string }) {
  const { t } = useI18n();
  const { user } = useSession();
  const initial = id ? NEW_CASE : { ...NEW_CASE, officer: user?.role === 'case_officer' ? user.name : '' };
  const f = useForm<CaseFile>({
    initial,
    normalise: normaliseCase,
    validate: (c) => validateCase(c),
    load: id ? () => casesApi.get(id) : undefined,
    loadKey: id ?? '',
    save: async (body) => {
      const saved = id ? await casesApi.update(id, body) : await casesApi.create(body);
      return casePath(saved.id);
    },
  });
  if (f.loadError) return <LoadError error={f.loadError} />;
  if (!f.loaded) return <Loading />;
  const c = f.record;
  const e = f.errors;
  const title = id ? t('cases.edit_title', { name: c.title || c.id }) : t('cases.new_title');
  return (
    <FormShell title={title} errors={e} formError={f.formError} saving={f.saving} attempt={f.failedAttempts} onSubmit={f.submit}
      cancelHref={id ? casePath(id) : '/cases'}>
      <IdField value={c.id} onChange={(v) => f.update({ id: v })} error={e.id} editing={f.editing} />
      <Field path="title" label={t('cases.title')} hint={t('cases.title_hint')} error={e.title} required>
        {(ctl) => <input {...ctl} value={c.title} onChange={(ev) => f.update({ title: ev.target.value })} />}
      </Field>
      <FieldGroup path="person_ids" legend={t('cases.persons')} hint={t('cases.persons_hint')} error={e.person_ids}>
        {c.person_ids.map((pid, i) => (
          <div className="row" key={i}>
            <div className="grow">
              <PersonPicker path={`person_ids[${i}]`} label={t('cases.person_n', { n: i + 1 })} value={pid} required
                error={e[`person_ids[${i}]`]}
                onChange={(v) => f.update({ person_ids: c.person_ids.map((x, j) => (j === i ? v : x)) })} />
            </div>
            {c.person_ids.length > 1 && (
              <button type="button" className="button button--secondary button--small row__end"
                onClick={() => f.update({ person_ids: c.person_ids.filter((_, j) => j !== i) })}>
                {t('cases.remove_person', { n: i + 1 })}
              </button>
            )}
          </div>
        ))}
        <button type="button" className="button button--secondary" onClick={() => f.update({ person_ids: [...c.person_ids, ''] })}>
          + {t('cases.add_person')}
        </button>
      </FieldGroup>
      <div className="row">
        <Field path="risk" label={t('cases.risk')} error={e.risk} required>
          {(ctl) => (
            <select {...ctl} value={c.risk} onChange={(ev) => f.update({ risk: ev.target.value as CaseFile['risk'] })}>
              {RISKS.map((r) => <option key={r} value={r}>{riskLabel(t, r)}</option>)}
            </select>
          )}
        </Field>
        <Field path="officer" label={t('cases.officer')} hint={t('cases.officer_hint')} error={e.officer}>
          {(ctl) => <input {...ctl} value={c.officer} className="input--medium" autoComplete="off" spellCheck={false}
            onChange={(ev) => f.update({ officer: ev.target.value })} />}
        </Field>
      </div>
      <div className="row">
        <Field path="opened" label={t('cases.opened')} hint={t('person.date_hint')} error={e.opened} required>
          {(ctl) => <input {...ctl} value={c.opened} className="input--date mono" autoComplete="off"
            onChange={(ev) => f.update({ opened: ev.target.value })} />}
        </Field>
        <Field path="next_deadline" label={t('cases.next_deadline')} hint={t('cases.deadline_hint')} error={e.next_deadline}>
          {(ctl) => <input {...ctl} value={c.next_deadline ?? ''} className="input--date mono" autoComplete="off"
            onChange={(ev) => f.update({ next_deadline: ev.target.value })} />}
        </Field>
      </div>
      <FieldGroup path="incident_ids" legend={t('cases.incidents')} hint={t('cases.incidents_hint')} error={e.incident_ids}>
        {c.incident_ids.map((iid, i) => (
          <fieldset key={i} className="fieldgroup fieldgroup--item">
            <legend>{t('cases.incident_n', { n: i + 1 })}</legend>
            <IncidentPicker path={`incident_ids[${i}]`} value={iid} error={e[`incident_ids[${i}]`]}
              onChange={(v) => f.update({ incident_ids: c.incident_ids.map((x, j) => (j === i ? v : x)) })} />
            <button type="button" className="button button--secondary button--small"
              onClick={() => f.update({ incident_ids: c.incident_ids.filter((_, j) => j !== i) })}>
              {t('cases.remove_incident', { n: i + 1 })}
            </button>
          </fieldset>
        ))}
        <button type="button" className="button button--secondary" onClick={() => f.update({ incident_ids: [...c.incident_ids, ''] })}>
          + {t('cases.add_incident')}
        </button>
      </FieldGroup>
      <Field path="notes" label={t('common.notes')} hint={t('cases.notes_hint')} error={e.notes}>
        {(ctl) => <textarea {...ctl} rows={4} value={c.notes} onChange={(ev) => f.update({ notes: ev.target.value })} />}
      </Field>
      <SourcePicker path="source_ids" values={c.source_ids} onChange={(v) => f.update({ source_ids: v })} error={e.source_ids} />
    </FormShell>
  );
}
