// Subscribers (partner organisations) who receive approved alerts: by signed webhook, by e-mail,
// and through their own Atom feed. Administrators and case officers manage them.
import { useState } from 'react';
import { useForm } from '../../../components/useRecordForm';
import { errorText, Field, LoadError, Loading, Notice, PageTitle } from '../../../components/ui';
import { useI18n } from '../../../i18n';
import { Link, recordPath } from '../../../lib/router';
import { useAsync } from '../../../lib/useAsync';
import { useTitle } from '../../../lib/useTitle';
import { FormShell } from '../../../pages/Forms';
import { useSession } from '../../../state/session';
import { canManageCases } from '../api';
import { codeLabel } from '../bits';
import { alertsApi, subscriberInputOf, type Subscriber, type SubscriberInput } from './api';
import { validateSubscriber } from './logic';

const LIST = '/alerts/subscribers';

function feedUrl(s: Subscriber): string {
  return `${window.location.origin}/api/v1/alerts/feed.atom?token=${encodeURIComponent(s.feed_token)}`;
}

export function SubscriberList() {
  const { t } = useI18n();
  const { user } = useSession();
  useTitle(t('cases.subscribers_title'));
  const list = useAsync(() => alertsApi.subscribers(), []);
  const [problem, setProblem] = useState<unknown>(null);
  if (!canManageCases(user?.role)) return <Notice>{t('cases.subscribers_forbidden')}</Notice>;
  const deactivate = async (s: Subscriber) => {
    setProblem(null);
    try {
      await alertsApi.deactivateSubscriber(s.id);
      list.reload();
    } catch (err) {
      setProblem(err);
    }
  };
  return (
    <>
      <PageTitle actions={<Link className="button" href={`${LIST}/new`}>{t('cases.subscriber_new')}</Link>}>
        {t('cases.subscribers_title')}
      </PageTitle>
      <p>{t('cases.subscribers_intro')}</p>
      <div role="alert" className={problem ? 'alert alert--error' : 'visually-hidden'}>{problem ? errorText(t, problem) : ''}</div>
      {list.loading && <Loading />}
      {!!list.error && <LoadError error={list.error} />}
      {list.data && (list.data.items.length === 0 ? <p>{t('cases.subscribers_none')}</p> : (
        <div className="table-wrap">
          <table className="records subscribers">
            <thead>
              <tr>
                <th scope="col">{t('cases.subscriber_name')}</th>
                <th scope="col">{t('cases.subscriber_language')}</th>
                <th scope="col">{t('cases.channels')}</th>
                <th scope="col">{t('cases.feed')}</th>
                <th scope="col">{t('cases.subscriber_active')}</th>
                <th scope="col"><span className="visually-hidden">{t('common.edit')}</span></th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((s) => (
                <tr key={s.id}>
                  <th scope="row">{s.name} <div className="muted small mono">{s.id}</div></th>
                  <td>{codeLabel(t, 'cases.language_', s.language)}</td>
                  <td>
                    <ul className="plain">
                      {s.webhook_url && <li>{t('cases.channel_webhook')}: <span className="mono">{s.webhook_url}</span>{s.webhook_secret_set && ` (${t('cases.secret_set')})`}</li>}
                      {s.email && <li>{t('cases.channel_email')}: {s.email}</li>}
                      {!s.webhook_url && !s.email && <li className="muted">{t('cases.feed_only')}</li>}
                    </ul>
                  </td>
                  <td><input className="mono input--medium" readOnly value={feedUrl(s)} aria-label={t('cases.feed_of', { name: s.name })} /></td>
                  <td>{s.active ? t('cases.yes') : t('cases.no')}</td>
                  <td>
                    <div className="inline-controls">
                      <Link className="button button--small button--secondary" href={recordPath('alerts/subscribers', s.id, '/edit')}
                        aria-label={t('cases.subscriber_edit_named', { name: s.name })}>{t('common.edit')}</Link>
                      {s.active && (
                        <button type="button" className="button button--small button--danger" onClick={() => void deactivate(s)}
                          aria-label={t('cases.subscriber_deactivate_named', { name: s.name })}>{t('cases.subscriber_deactivate')}</button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </>
  );
}

const NEW_SUBSCRIBER: SubscriberInput = { name: '', language: 'both', webhook_url: '', webhook_secret: '', email: '', active: true };

export function SubscriberForm({ id }: { id?: string }) {
  const { t } = useI18n();
  const [secretStored, setSecretStored] = useState(false);
  const f = useForm<SubscriberInput>({
    initial: NEW_SUBSCRIBER,
    normalise: (s) => ({ ...s, name: s.name.trim(), webhook_url: s.webhook_url.trim(), email: s.email.trim() }),
    validate: (s) => validateSubscriber(s, secretStored),
    load: id ? () => alertsApi.subscriber(id).then((s) => {
      setSecretStored(s.webhook_secret_set);
      return { ...subscriberInputOf(s), webhook_secret: '' };
    }) : undefined,
    loadKey: id ?? '',
    save: async (body) => {
      const out = { ...body };
      if (!out.webhook_secret) delete out.webhook_secret; // omitted = unchanged
      if (id) await alertsApi.updateSubscriber(id, out);
      else await alertsApi.addSubscriber(out);
      return LIST;
    },
  });
  useTitle(id ? t('cases.subscriber_edit') : t('cases.subscriber_new'));
  if (f.loadError) return <LoadError error={f.loadError} />;
  if (!f.loaded) return <Loading />;
  const s = f.record;
  const e = f.errors;
  return (
    <FormShell title={id ? t('cases.subscriber_edit') : t('cases.subscriber_new')} errors={e} formError={f.formError} saving={f.saving}
      attempt={f.failedAttempts} onSubmit={f.submit} cancelHref={LIST}>
      <Field path="name" label={t('cases.subscriber_name')} error={e.name} required>
        {(c) => <input {...c} value={s.name} onChange={(ev) => f.update({ name: ev.target.value })} />}
      </Field>
      <Field path="language" label={t('cases.subscriber_language')} error={e.language} required>
        {(c) => (
          <select {...c} value={s.language} onChange={(ev) => f.update({ language: ev.target.value as SubscriberInput['language'] })}>
            {(['both', 'en', 'ko'] as const).map((l) => <option key={l} value={l}>{codeLabel(t, 'cases.language_', l)}</option>)}
          </select>
        )}
      </Field>
      <Field path="webhook_url" label={t('cases.webhook_url')} hint={t('cases.webhook_url_hint')} error={e.webhook_url}>
        {(c) => <input {...c} type="url" inputMode="url" autoComplete="off" spellCheck={false} value={s.webhook_url}
          onChange={(ev) => f.update({ webhook_url: ev.target.value })} />}
      </Field>
      <Field path="webhook_secret" label={t('cases.webhook_secret')} error={e.webhook_secret}
        hint={secretStored ? t('cases.webhook_secret_keep') : t('cases.webhook_secret_hint')}>
        {(c) => <input {...c} type="password" autoComplete="new-password" value={s.webhook_secret ?? ''}
          onChange={(ev) => f.update({ webhook_secret: ev.target.value })} />}
      </Field>
      <Field path="email" label={t('cases.subscriber_email')} hint={t('cases.subscriber_email_hint')} error={e.email}>
        {(c) => <input {...c} type="email" autoComplete="off" value={s.email} onChange={(ev) => f.update({ email: ev.target.value })} />}
      </Field>
      <div className="field checkbox">
        <input type="checkbox" id="f-active" checked={s.active} onChange={(ev) => f.update({ active: ev.target.checked })} />
        <label htmlFor="f-active">{t('cases.subscriber_active')}</label>
      </div>
    </FormShell>
  );
}
