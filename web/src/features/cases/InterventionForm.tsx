// Recording an intervention on a case (who acted, towards whom, on which track, what kind, when)
// and later updating it with the response, the follow-up date and the outcome.
import { SourcePicker } from '../../components/pickers';
import { useForm } from '../../components/useRecordForm';
import { Field, LoadError, Loading, VocabSelect } from '../../components/ui';
import { ApiError } from '../../api/errors';
import { useI18n } from '../../i18n';
import { FormShell } from '../../pages/Forms';
import { casesApi, type Intervention } from './api';
import { casePath } from './bits';
import { validateIntervention } from './logic';

const NEW_INTERVENTION: Intervention = {
  actor: 'ngo_self', target: '', track: '', kind: '', date: '', response: '', follow_up: null, outcome: '', source_ids: [],
};

async function loadIntervention(caseId: string, iid: string): Promise<Intervention> {
  const tl = await casesApi.timeline(caseId);
  for (const item of tl.items) if (item.type === 'intervention' && item.intervention.id === iid) return item.intervention;
  throw new ApiError(404, { code: 'not_found', message: '', field: null });
}

export function InterventionForm({ id, iid }: { id: string; iid?: string }) {
  const { t } = useI18n();
  const f = useForm<Intervention>({
    initial: NEW_INTERVENTION,
    normalise: (i) => ({ ...i, date: i.date.trim(), follow_up: i.follow_up?.trim() || null }),
    validate: (i) => validateIntervention(i),
    load: iid ? () => loadIntervention(id, iid) : undefined,
    loadKey: `${id}/${iid ?? ''}`,
    save: async (body) => {
      if (iid) await casesApi.updateIntervention(id, iid, body);
      else await casesApi.addIntervention(id, body);
      return casePath(id);
    },
  });
  if (f.loadError) return <LoadError error={f.loadError} />;
  if (!f.loaded) return <Loading />;
  const i = f.record;
  const e = f.errors;
  return (
    <FormShell title={iid ? t('cases.intervention_edit_title') : t('cases.intervention_new_title')} errors={e} formError={f.formError}
      saving={f.saving} attempt={f.failedAttempts} onSubmit={f.submit} cancelHref={casePath(id)}>
      <div className="row">
        <Field path="actor" label={t('cases.actor')} hint={t('cases.actor_hint')} error={e.actor} required>
          {(c) => <VocabSelect vocabulary="organisations" control={c} value={i.actor} onChange={(v) => f.update({ actor: v })} />}
        </Field>
        <Field path="target" label={t('cases.target')} hint={t('cases.target_hint')} error={e.target} required>
          {(c) => <VocabSelect vocabulary="organisations" control={c} value={i.target} onChange={(v) => f.update({ target: v })} />}
        </Field>
      </div>
      <div className="row">
        <Field path="track" label={t('cases.track')} error={e.track} required>
          {(c) => <VocabSelect vocabulary="intervention_tracks" control={c} value={i.track} onChange={(v) => f.update({ track: v })} />}
        </Field>
        <Field path="kind" label={t('cases.kind')} error={e.kind} required>
          {(c) => <VocabSelect vocabulary="intervention_kinds" control={c} value={i.kind} onChange={(v) => f.update({ kind: v })} />}
        </Field>
        <Field path="date" label={t('common.date')} hint={t('person.date_hint')} error={e.date} required>
          {(c) => <input {...c} value={i.date} className="input--date mono" autoComplete="off" onChange={(ev) => f.update({ date: ev.target.value })} />}
        </Field>
      </div>
      <Field path="response" label={t('cases.response')} hint={t('cases.response_hint')} error={e.response}>
        {(c) => <textarea {...c} rows={3} value={i.response} onChange={(ev) => f.update({ response: ev.target.value })} />}
      </Field>
      <Field path="follow_up" label={t('cases.follow_up')} hint={t('cases.follow_up_hint')} error={e.follow_up}>
        {(c) => <input {...c} value={i.follow_up ?? ''} className="input--date mono" autoComplete="off"
          onChange={(ev) => f.update({ follow_up: ev.target.value })} />}
      </Field>
      <Field path="outcome" label={t('cases.outcome')} hint={t('cases.outcome_hint')} error={e.outcome}>
        {(c) => <textarea {...c} rows={3} value={i.outcome} onChange={(ev) => f.update({ outcome: ev.target.value })} />}
      </Field>
      <SourcePicker path="source_ids" values={i.source_ids} onChange={(v) => f.update({ source_ids: v })} error={e.source_ids} />
    </FormShell>
  );
}
