// One urgent-action alert: the composed texts in English and Korean side by side, who is named
// (pseudonyms unless a case officer released names, with the consent recorded), approval by a
// second person, withdrawal, and the delivery to every subscriber and channel with each attempt.
import { useEffect, useState, type FormEvent } from 'react';
import type { Person } from '../../../api/types';
import { Facts } from '../../../components/RecordBits';
import { useForm } from '../../../components/useRecordForm';
import { ErrorSummary, errorText, Field, FieldGroup, fieldDomId, LoadError, Loading, Notice, PageTitle, RestrictedBadge } from '../../../components/ui';
import { useI18n } from '../../../i18n';
import { personName } from '../../../lib/display';
import { fetchRecords } from '../../../lib/records';
import { Link, recordPath } from '../../../lib/router';
import { useAsync } from '../../../lib/useAsync';
import { useTitle } from '../../../lib/useTitle';
import { formatTime } from '../../../pages/Dashboard';
import { labelOnScreen } from '../../../pages/Forms';
import { useSession } from '../../../state/session';
import { canManageCases, casesApi, type CaseFile } from '../api';
import { casePath, codeLabel } from '../bits';
import { alertsApi, type Alert, type AlertVocabulary, type Delivery, type NameRelease } from './api';
import { alertPath, AlertStatusBadge } from './bits';
import { validateRelease } from './logic';

interface AlertView {
  alert: Alert;
  c: CaseFile | null;
  vocab: AlertVocabulary;
  persons: Map<string, Person | null>;
  deliveries: Delivery[] | null; // null: the role may not see them
}

async function loadAlert(id: string, manage: boolean): Promise<AlertView> {
  const alert = await alertsApi.get(id);
  const [c, vocab, persons, deliveries] = await Promise.all([
    casesApi.get(alert.case_id).catch(() => null),
    alertsApi.vocabulary(),
    fetchRecords('persons', alert.persons.map((p) => p.id)),
    manage ? alertsApi.deliveries(id).then((r) => r.items) : Promise.resolve(null),
  ]);
  return { alert, c, vocab, persons, deliveries };
}

function labelOf(list: { code: string; en: string; ko: string }[], code: string, lang: string): string {
  const x = list.find((y) => y.code === code);
  return x ? (lang === 'ko' ? x.ko : x.en) || x.en : code;
}

function Preview({ alert }: { alert: Alert }) {
  const { t } = useI18n();
  return (
    <section className="panel" aria-labelledby="alert-preview">
      <h2 id="alert-preview">{t('cases.alert_preview')}</h2>
      <p className="muted">{t('cases.alert_preview_hint')}</p>
      <div className="alert-previews">
        {(['en', 'ko'] as const).map((l) => (
          <section key={l} lang={l} aria-labelledby={`alert-text-${l}`} className={`alert-preview alert-preview--${l}`}>
            <h3 id={`alert-text-${l}`}>{t(l === 'en' ? 'cases.alert_in_english' : 'cases.alert_in_korean')}</h3>
            <p><strong>{alert.texts[l].subject}</strong></p>
            <pre className="alert-text">{alert.texts[l].body}</pre>
          </section>
        ))}
      </div>
    </section>
  );
}

function ReleaseNamesForm({ view, onDone }: { view: AlertView; onDone: () => void }) {
  const { t } = useI18n();
  const a = view.alert;
  const f = useForm<NameRelease>({
    initial: { person_ids: a.persons.map((p) => p.id), consent_by: '', basis: '', consented_on: '' },
    normalise: (r) => ({ ...r, consent_by: r.consent_by.trim(), consented_on: r.consented_on.trim() }),
    validate: (r) => validateRelease(r),
    save: async (body) => {
      await alertsApi.releaseNames(a.id, body);
      onDone();
      return alertPath(a.id);
    },
  });
  const r = f.record;
  const e = f.errors;
  const id = fieldDomId('person_ids');
  return (
    <section className="panel" aria-labelledby="release-title">
      <h2 id="release-title">{t('cases.release_title')}</h2>
      <p>{t('cases.release_intro')}</p>
      <form className="form record-form" noValidate onSubmit={f.submit}>
        <ErrorSummary errors={e} formError={f.formError} labels={labelOnScreen} attempt={f.failedAttempts} />
        <FieldGroup path="person_ids" legend={t('cases.release_persons')} error={e.person_ids}>
          {a.persons.map((p) => {
            const person = view.persons.get(p.id);
            return (
              <div className="checkbox" key={p.id}>
                <input type="checkbox" id={`${id}-${p.id}`} checked={r.person_ids.includes(p.id)}
                  onChange={(ev) => f.update({ person_ids: ev.target.checked ? [...r.person_ids, p.id] : r.person_ids.filter((x) => x !== p.id) })} />
                <label htmlFor={`${id}-${p.id}`}>{person ? personName(person, t) : p.id} <span className="mono muted">({p.pseudonym})</span></label>
              </div>
            );
          })}
        </FieldGroup>
        <Field path="consent_by" label={t('cases.release_consent_by')} hint={t('cases.release_consent_by_hint')} error={e.consent_by} required>
          {(c) => <input {...c} value={r.consent_by} onChange={(ev) => f.update({ consent_by: ev.target.value })} />}
        </Field>
        <div className="row">
          <Field path="basis" label={t('cases.release_basis')} error={e.basis} required>
            {(c) => (
              <select {...c} value={r.basis} onChange={(ev) => f.update({ basis: ev.target.value })}>
                <option value="">{t('common.choose')}</option>
                {view.vocab.bases.map((b) => <option key={b} value={b}>{codeLabel(t, 'cases.basis_', b)}</option>)}
              </select>
            )}
          </Field>
          <Field path="consented_on" label={t('cases.release_consented_on')} hint={t('person.date_hint')} error={e.consented_on} required>
            {(c) => <input {...c} value={r.consented_on} className="input--date mono" autoComplete="off"
              onChange={(ev) => f.update({ consented_on: ev.target.value })} />}
          </Field>
        </div>
        <div className="form__buttons">
          <button type="submit" className="button" disabled={f.saving}>{t('cases.release_submit')}</button>
        </div>
      </form>
    </section>
  );
}

function WithdrawForm({ alert, onDone }: { alert: Alert; onDone: () => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) {
      setProblem(t('v.required'));
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await alertsApi.withdraw(alert.id, reason.trim());
      onDone();
    } catch (err) {
      setProblem(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <details className="panel">
      <summary>{t('cases.withdraw_title')}</summary>
      <form className="form" noValidate onSubmit={(e) => void submit(e)}>
        <Field path="withdraw_reason" label={t('cases.withdraw_reason')} hint={t('cases.withdraw_hint')} error={problem ?? undefined} required>
          {(c) => <textarea {...c} rows={2} value={reason} onChange={(ev) => setReason(ev.target.value)} />}
        </Field>
        <button type="submit" className="button button--danger" disabled={busy}>{t('cases.withdraw')}</button>
      </form>
    </details>
  );
}

function Deliveries({ items, lang }: { items: Delivery[]; lang: string }) {
  const { t } = useI18n();
  if (items.length === 0) return <p>{t('cases.deliveries_none')}</p>;
  return (
    <div className="table-wrap">
      <table className="records deliveries">
        <thead>
          <tr>
            <th scope="col">{t('cases.subscriber')}</th>
            <th scope="col">{t('cases.channel')}</th>
            <th scope="col">{t('cases.status')}</th>
            <th scope="col">{t('cases.attempts')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={d.id} className={`delivery delivery--${d.status}`}>
              <th scope="row">{d.subscriber_name || d.subscriber_id} <div className="muted small mono">{d.id}</div></th>
              <td>{codeLabel(t, 'cases.channel_', d.channel)}</td>
              <td>
                {codeLabel(t, 'cases.delivery_', d.status)}
                {d.delivered_at && <div className="muted small">{formatTime(d.delivered_at, lang)}</div>}
                {d.status === 'pending' && d.next_attempt && <div className="muted small">{t('cases.next_attempt', { at: formatTime(d.next_attempt, lang) })}</div>}
              </td>
              <td>
                {d.attempts.length === 0 ? <span className="muted">{t('cases.no_attempts')}</span> : (
                  <ol className="delivery-attempts">
                    {d.attempts.map((x, i) => (
                      <li key={i}>
                        <time dateTime={x.at}>{formatTime(x.at, lang)}</time>
                        {': '}{x.status_code ? t('cases.attempt_code', { code: x.status_code }) : t('cases.attempt_no_answer')}
                        {x.error && <span className="muted"> · {x.error}</span>}
                      </li>
                    ))}
                  </ol>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AlertPage({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const manage = canManageCases(user?.role);
  const { data, error, loading, reload } = useAsync(() => loadAlert(id, manage), [id, manage]);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const a = data?.alert;
  useTitle(a ? a.texts[lang === 'ko' ? 'ko' : 'en'].subject || a.id : null);
  // While deliveries are pending, look again every few seconds: the worker sends in the background.
  const delivering = a?.delivery.state === 'delivering';
  useEffect(() => {
    if (!delivering || loading) return;
    const timer = window.setTimeout(reload, 2000);
    return () => window.clearTimeout(timer);
  }, [delivering, loading, reload, data]);
  if (loading && !data) return <Loading />;
  if (error || !data || !a) return <LoadError error={error} />;
  const approve = async () => {
    setBusy(true);
    setActionError(null);
    try {
      await alertsApi.approve(a.id);
      reload();
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(false);
    }
  };
  const isDraft = a.status === 'draft';
  const ownWork = user?.name === a.composed_by || (!!a.release && user?.name === a.release.released_by);
  return (
    <article aria-labelledby="record-title">
      <PageTitle>
        <span id="record-title">{t('cases.alert_title', { name: data.c?.title || a.case_id })}</span>
      </PageTitle>
      <p className="record-meta">
        <AlertStatusBadge status={a.status} />
        {' · '}<span className="muted">{t('common.id')}: </span><span className="mono">{a.id}</span>
        {' · '}<Link href={casePath(a.case_id)}>{t('cases.back_to_case')}</Link>
      </p>
      <div role="alert" className={actionError ? 'alert alert--error' : 'visually-hidden'}>{actionError ? errorText(t, actionError) : ''}</div>
      {manage && isDraft && (
        <div className="record-actions">
          <Link className="button button--secondary" href={alertPath(a.id, '/edit')}>{t('cases.alert_edit')}</Link>
          {!ownWork && (
            <button type="button" className="button" disabled={busy} onClick={() => void approve()}>{t('cases.approve')}</button>
          )}
        </div>
      )}
      {manage && isDraft && ownWork && <Notice>{t('cases.approve_other')}</Notice>}
      {a.status === 'withdrawn' && (
        <Notice>{t('cases.alert_withdrawn_note', { by: a.withdrawn_by, reason: a.withdraw_reason })}</Notice>
      )}
      <div className="detail-grid">
        <section className="panel" aria-labelledby="alert-details">
          <h2 id="alert-details">{t('common.details')}</h2>
          <Facts rows={[
            [t('cases.case'), <Link href={casePath(a.case_id)}>{data.c?.title || a.case_id}</Link>],
            [t('cases.alert_respond_by'), a.respond_by],
            [t('cases.alert_actions'), <ul className="plain">{a.actions.map((x) => <li key={x}>{labelOf(data.vocab.actions, x, lang)}</li>)}</ul>],
            [t('cases.alert_contacts'), <ul className="plain">{a.contacts.map((x) => <li key={x}>{labelOf(data.vocab.contacts, x, lang)}</li>)}</ul>],
            [t('cases.persons'), (
              <ul className="plain">
                {a.persons.map((p) => {
                  const person = data.persons.get(p.id);
                  return (
                    <li key={p.id}>
                      <Link href={recordPath('persons', p.id)}>{person ? personName(person, t) : p.pseudonym}</Link>
                      {person?.redacted && <> <RestrictedBadge /></>}
                      {' '}<span className="muted">{p.name_released ? t('cases.name_released') : t('cases.pseudonym_used', { pseudonym: p.pseudonym })}</span>
                    </li>
                  );
                })}
              </ul>
            )],
            [t('cases.release'), a.release ? t('cases.release_summary', {
              by: a.release.released_by ?? '', consent_by: a.release.consent_by, basis: codeLabel(t, 'cases.basis_', a.release.basis),
              date: a.release.consented_on,
            }) : t('cases.release_none')],
            [t('cases.composed'), `${a.composed_by} · ${formatTime(a.composed_at, lang)}`],
            [t('cases.approved'), a.approved_by ? `${a.approved_by} · ${formatTime(a.approved_at, lang)}` : t('cases.not_yet')],
            [t('cases.delivery'), t('cases.delivery_summary', {
              state: codeLabel(t, 'cases.delivery_state_', a.delivery.state), delivered: a.delivery.delivered, pending: a.delivery.pending,
            })],
          ]} />
        </section>
        <Preview alert={a} />
      </div>
      {manage && isDraft && <ReleaseNamesForm view={data} onDone={reload} />}
      {manage && a.status !== 'withdrawn' && <WithdrawForm alert={a} onDone={reload} />}
      {data.deliveries && (
        <section className="panel" aria-labelledby="alert-deliveries" aria-live="polite">
          <h2 id="alert-deliveries">{t('cases.deliveries')}</h2>
          <p>
            <button type="button" className="button button--secondary button--small" onClick={reload}>{t('cases.refresh')}</button>
          </p>
          <Deliveries items={data.deliveries} lang={lang} />
        </section>
      )}
    </article>
  );
}
