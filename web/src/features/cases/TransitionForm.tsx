// Moving a case to another status: only the statuses the workflow allows from the current one are
// offered (the server's `allowed_next`); a refusal from the server (a date before the previous
// transition, a status changed meanwhile) is shown next to the field with the server's reason.
import { SourcePicker } from '../../components/pickers';
import { useForm } from '../../components/useRecordForm';
import { Field, LoadError, Loading } from '../../components/ui';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { FormShell } from '../../pages/Forms';
import { casesApi, type CaseFile, type Transition } from './api';
import { casePath, StatusBadge, statusLabel } from './bits';
import { validateTransition } from './logic';

const NEW_TRANSITION: Transition = { to: '', date: '', source_ids: [], note: '' };

function TransitionFields({ c }: { c: CaseFile }) {
  const { t } = useI18n();
  const allowed = c.allowed_next ?? [];
  const f = useForm<Transition>({
    initial: NEW_TRANSITION,
    normalise: (x) => ({ ...x, date: x.date.trim() }),
    validate: (x) => validateTransition(x, allowed),
    save: async (body) => {
      await casesApi.transition(c.id, body);
      return casePath(c.id);
    },
  });
  const x = f.record;
  const e = f.errors;
  return (
    <FormShell title={t('cases.move_title', { name: c.title || c.id })} errors={e} formError={f.formError} saving={f.saving}
      attempt={f.failedAttempts} onSubmit={f.submit} cancelHref={casePath(c.id)}>
      <p>{t('cases.current_status')}: <StatusBadge status={c.status} /></p>
      <Field path="to" label={t('cases.new_status')} hint={t('cases.new_status_hint')} error={e.to} required>
        {(ctl) => (
          <select {...ctl} value={x.to} onChange={(ev) => f.update({ to: ev.target.value as Transition['to'] })}>
            <option value="">{t('common.choose')}</option>
            {allowed.map((s) => <option key={s} value={s}>{statusLabel(t, s)}</option>)}
          </select>
        )}
      </Field>
      <Field path="date" label={t('cases.transition_date')} hint={t('person.date_hint')} error={e.date} required>
        {(ctl) => <input {...ctl} value={x.date} className="input--date mono" autoComplete="off" onChange={(ev) => f.update({ date: ev.target.value })} />}
      </Field>
      <Field path="note" label={t('common.notes')} hint={t('cases.transition_note_hint')} error={e.note}>
        {(ctl) => <textarea {...ctl} rows={3} value={x.note} onChange={(ev) => f.update({ note: ev.target.value })} />}
      </Field>
      <SourcePicker path="source_ids" values={x.source_ids} onChange={(v) => f.update({ source_ids: v })} error={e.source_ids} />
    </FormShell>
  );
}

export function TransitionForm({ id }: { id: string }) {
  const { t } = useI18n();
  const { data, error, loading } = useAsync(() => casesApi.get(id), [id]);
  if (loading) return <Loading />;
  if (error || !data) return <LoadError error={error} />;
  if ((data.allowed_next ?? []).length === 0) {
    return <div className="alert alert--info" role="status">{t('cases.no_next_steps')}</div>;
  }
  return <TransitionFields c={data} />;
}
