// Composing an urgent-action alert from a case, or revising a draft: what recipients are asked to
// do, whom to contact, by when, and an optional paragraph in each language. The server renders the
// English and Korean texts from its templates; the alert page shows them before approval.
import type { ReactNode } from 'react';
import { useForm } from '../../../components/useRecordForm';
import { Field, FieldGroup, fieldDomId, LoadError, Loading } from '../../../components/ui';
import { useI18n } from '../../../i18n';
import { useAsync } from '../../../lib/useAsync';
import { FormShell } from '../../../pages/Forms';
import { casesApi, type CaseFile } from '../api';
import { casePath } from '../bits';
import { alertsApi, draftOf, type AlertDraft, type AlertVocabulary } from './api';
import { alertPath } from './bits';
import { validateAlertDraft } from './logic';

// Checkboxes over a list of codes with labels in the interface language.
export function CodeCheckboxes({ path, legend, hint, options, values, onChange, error }: {
  path: string;
  legend: ReactNode;
  hint?: ReactNode;
  options: { code: string; label: string }[];
  values: string[];
  onChange: (v: string[]) => void;
  error?: string;
}) {
  const id = fieldDomId(path);
  return (
    <FieldGroup path={path} legend={legend} hint={hint} error={error}>
      <div className="checkboxes">
        {options.map((o) => (
          <div className="checkbox" key={o.code}>
            <input type="checkbox" id={`${id}-${o.code}`} checked={values.includes(o.code)}
              onChange={(e) => onChange(e.target.checked ? [...values, o.code] : values.filter((v) => v !== o.code))} />
            <label htmlFor={`${id}-${o.code}`}>{o.label}</label>
          </div>
        ))}
      </div>
    </FieldGroup>
  );
}

function DraftFields({ c, vocab, alertId, initial }: { c: CaseFile; vocab: AlertVocabulary; alertId?: string; initial: AlertDraft }) {
  const { t, lang } = useI18n();
  const f = useForm<AlertDraft>({
    initial,
    normalise: (d) => ({ ...d, respond_by: d.respond_by?.trim() || null, note: { en: d.note.en.trim(), ko: d.note.ko.trim() } }),
    validate: (d) => validateAlertDraft(d, c.next_deadline),
    save: async (body) => {
      const saved = alertId ? await alertsApi.revise(alertId, body) : await alertsApi.compose(body);
      return alertPath(saved.id);
    },
  });
  const d = f.record;
  const e = f.errors;
  return (
    <FormShell title={alertId ? t('cases.alert_edit_title') : t('cases.alert_new_title', { name: c.title || c.id })} errors={e}
      formError={f.formError} saving={f.saving} attempt={f.failedAttempts} onSubmit={f.submit}
      cancelHref={alertId ? alertPath(alertId) : casePath(c.id)}>
      <p>{t('cases.alert_compose_intro')}</p>
      <CodeCheckboxes path="actions" legend={t('cases.alert_actions')} hint={t('cases.alert_actions_hint')} error={e.actions}
        options={vocab.actions.map((x) => ({ code: x.code, label: x[lang] || x.en }))} values={d.actions}
        onChange={(v) => f.update({ actions: v })} />
      <CodeCheckboxes path="contacts" legend={t('cases.alert_contacts')} hint={t('cases.alert_contacts_hint')} error={e.contacts}
        options={vocab.contacts.map((x) => ({ code: x.code, label: x[lang] || x.en }))} values={d.contacts} onChange={(v) => f.update({ contacts: v })} />
      <Field path="respond_by" label={t('cases.alert_respond_by')} error={e.respond_by}
        hint={c.next_deadline ? t('cases.alert_respond_by_default', { date: c.next_deadline }) : t('cases.alert_respond_by_hint')}>
        {(ctl) => <input {...ctl} value={d.respond_by ?? ''} className="input--date mono" autoComplete="off"
          onChange={(ev) => f.update({ respond_by: ev.target.value })} />}
      </Field>
      <Field path="note.en" label={t('cases.alert_note_en')} hint={t('cases.alert_note_hint')} error={e['note.en']}>
        {(ctl) => <textarea {...ctl} lang="en" rows={3} value={d.note.en} onChange={(ev) => f.update({ note: { ...d.note, en: ev.target.value } })} />}
      </Field>
      <Field path="note.ko" label={t('cases.alert_note_ko')} hint={t('cases.alert_note_hint')} error={e['note.ko']}>
        {(ctl) => <textarea {...ctl} lang="ko" rows={3} value={d.note.ko} onChange={(ev) => f.update({ note: { ...d.note, ko: ev.target.value } })} />}
      </Field>
    </FormShell>
  );
}

async function loadCompose(caseId: string | undefined, alertId: string | undefined) {
  const alert = alertId ? await alertsApi.get(alertId) : null;
  const [c, vocab] = await Promise.all([casesApi.get(alert ? alert.case_id : caseId ?? ''), alertsApi.vocabulary()]);
  const initial: AlertDraft = alert ? draftOf(alert) : { case_id: c.id, actions: [], contacts: [], respond_by: null, note: { en: '', ko: '' } };
  return { c, vocab, initial };
}

// /cases/:id/alerts/new (caseId) or /alerts/:aid/edit (alertId).
export function AlertForm({ caseId, alertId }: { caseId?: string; alertId?: string }) {
  const { data, error, loading } = useAsync(() => loadCompose(caseId, alertId), [caseId, alertId]);
  if (loading) return <Loading />;
  if (error || !data) return <LoadError error={error} />;
  return <DraftFields c={data.c} vocab={data.vocab} alertId={alertId} initial={data.initial} />;
}
