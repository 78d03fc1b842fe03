// Lists of urgent-action alerts: all of them (newest first, by state), and those of one case on the
// case page.
import { useState, type FormEvent } from 'react';
import { PAGE_SIZE, useListQuery } from '../../../components/ListFilters';
import { Field, LoadError, Loading, PageTitle, Pagination } from '../../../components/ui';
import { useI18n } from '../../../i18n';
import { Link } from '../../../lib/router';
import { useAsync } from '../../../lib/useAsync';
import { useTitle } from '../../../lib/useTitle';
import { formatTime } from '../../../pages/Dashboard';
import { useSession } from '../../../state/session';
import { canManageCases, type CaseFile } from '../api';
import { casePath, codeLabel } from '../bits';
import { alertsApi, type Alert } from './api';
import { alertPath, AlertStatusBadge } from './bits';

const STATES = ['draft', 'approved', 'withdrawn'] as const;

function AlertTable({ alerts, showCase }: { alerts: Alert[]; showCase: boolean }) {
  const { t, lang } = useI18n();
  return (
    <div className="table-wrap">
      <table className="records alert-table">
        <thead>
          <tr>
            <th scope="col">{t('cases.alert_subject')}</th>
            {showCase && <th scope="col">{t('cases.case')}</th>}
            <th scope="col">{t('cases.status')}</th>
            <th scope="col">{t('cases.alert_respond_by')}</th>
            <th scope="col">{t('cases.composed')}</th>
            <th scope="col">{t('cases.delivery')}</th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((a) => (
            <tr key={a.id}>
              <th scope="row"><Link href={alertPath(a.id)}>{a.texts[lang === 'ko' ? 'ko' : 'en'].subject || a.id}</Link></th>
              {showCase && <td><Link href={casePath(a.case_id)} className="mono">{a.case_id}</Link></td>}
              <td><AlertStatusBadge status={a.status} /></td>
              <td>{a.respond_by}</td>
              <td>{a.composed_by} <div className="muted small">{formatTime(a.composed_at, lang)}</div></td>
              <td>{codeLabel(t, 'cases.delivery_state_', a.delivery.state)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AlertList() {
  const { t } = useI18n();
  const { user } = useSession();
  const lq = useListQuery();
  useTitle(t('cases.alerts_title'));
  const status = lq.get('status');
  const [choice, setChoice] = useState(status);
  const list = useAsync(() => alertsApi.list({ status, limit: PAGE_SIZE, offset: lq.offset }), [status, lq.offset]);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    lq.set({ status: choice, offset: null });
  };
  return (
    <>
      <PageTitle actions={canManageCases(user?.role) && <Link className="button button--secondary" href="/alerts/subscribers">{t('cases.subscribers_title')}</Link>}>
        {t('cases.alerts_title')}
      </PageTitle>
      <p>{t('cases.alerts_intro')}</p>
      <form className="filters" onSubmit={apply} aria-label={t('common.filters')}>
        <Field path="filter-alert-status" label={t('cases.status')}>
          {(c) => (
            <select {...c} value={choice} onChange={(e) => setChoice(e.target.value)}>
              <option value="">{t('common.any')}</option>
              {STATES.map((s) => <option key={s} value={s}>{codeLabel(t, 'cases.alert_status_', s)}</option>)}
            </select>
          )}
        </Field>
        <div className="filters__buttons"><button type="submit" className="button">{t('common.apply_filters')}</button></div>
      </form>
      <section aria-live="polite" aria-busy={list.loading}>
        {list.loading && <Loading />}
        {!!list.error && <LoadError error={list.error} />}
        {list.data && (list.data.items.length === 0 ? <p>{t('cases.alerts_none')}</p> : (
          <>
            <AlertTable alerts={list.data.items} showCase />
            <Pagination total={list.data.total} limit={PAGE_SIZE} offset={lq.offset} onPage={(o) => lq.set({ offset: o || null })} />
          </>
        ))}
      </section>
    </>
  );
}

// The alerts of one case, on the case page, with "Compose an alert" for those who may.
export function CaseAlertsPanel({ caseFile }: { caseFile: CaseFile }) {
  const { t } = useI18n();
  const { user } = useSession();
  const list = useAsync(() => alertsApi.list({ case_id: caseFile.id, limit: 100 }), [caseFile.id]);
  return (
    <section className="panel" aria-labelledby="case-alerts">
      <h2 id="case-alerts">{t('cases.alerts_of_case')}</h2>
      {canManageCases(user?.role) && caseFile.status !== 'closed' && (
        <p><Link className="button" href={casePath(caseFile.id, '/alerts/new')}>{t('cases.compose_alert')}</Link></p>
      )}
      {list.loading && <Loading />}
      {!!list.error && <LoadError error={list.error} />}
      {list.data && (list.data.items.length === 0 ? <p>{t('cases.alerts_none')}</p> : <AlertTable alerts={list.data.items} showCase={false} />)}
    </section>
  );
}
