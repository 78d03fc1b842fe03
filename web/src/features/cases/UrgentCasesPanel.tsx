// The overview's panel of urgent cases: the open cases, most urgent first, what is overdue and which
// deadlines are near.
import { LoadError, Loading } from '../../components/ui';
import { useI18n } from '../../i18n';
import { fetchRecords } from '../../lib/records';
import { Link } from '../../lib/router';
import { useAsync } from '../../lib/useAsync';
import { casesApi, listAllCases } from './api';
import { casePath, OverdueBadge, overdueText, RiskBadge, StatusBadge } from './bits';
import { CaseTable } from './CaseList';
import { byUrgency, deadlineSoon, isOpen } from './logic';

const SHOWN = 8;
const SOON_DAYS = 14;

async function loadPanel() {
  const [all, od] = await Promise.all([listAllCases(), casesApi.overdue()]);
  const open = all.filter(isOpen).sort(byUrgency);
  const overdue = new Map(od.items.map((x) => [x.case.id, x.overdue]));
  const soon = open.filter((c) => deadlineSoon(c, SOON_DAYS) && !overdue.has(c.id));
  const shown = open.slice(0, SHOWN);
  const persons = await fetchRecords('persons', shown.flatMap((c) => c.person_ids));
  return { open, shown, overdue, overdueItems: od.items, soon, persons };
}

export function UrgentCasesPanel() {
  const { t } = useI18n();
  const { data, error, loading } = useAsync(loadPanel, []);
  return (
    <section aria-labelledby="dash-cases" className="panel dashboard__cases">
      <h2 id="dash-cases">{t('cases.dash_title')}</h2>
      {loading && <Loading />}
      {!!error && <LoadError error={error} />}
      {data && (
        <>
          <p>
            <Link href="/cases">{t('cases.dash_open', { count: data.open.length })}</Link>
            {data.overdueItems.length > 0 && <> · <Link href="/cases?overdue=1">{t('cases.dash_overdue', { count: data.overdueItems.length })}</Link></>}
          </p>
          <div className="case-dash-grid">
            <div>
              <h3>{t('cases.overdue_title')}</h3>
              {data.overdueItems.length === 0 ? <p>{t('cases.dash_none_overdue')}</p> : (
                <ul className="plain case-reminders">
                  {data.overdueItems.map((x) => (
                    <li key={x.case.id}>
                      <Link href={casePath(x.case.id)}>{x.case.title || x.case.id}</Link> <OverdueBadge />{' '}
                      <RiskBadge risk={x.case.risk} />
                      <ul className="small">{x.overdue.map((r, i) => <li key={i}>{overdueText(t, r)}</li>)}</ul>
                    </li>
                  ))}
                </ul>
              )}
            </div>
            <div>
              <h3>{t('cases.dash_soon', { days: SOON_DAYS })}</h3>
              {data.soon.length === 0 ? <p>{t('cases.dash_none_soon')}</p> : (
                <ul className="plain case-reminders">
                  {data.soon.map((c) => (
                    <li key={c.id}>
                      <Link href={casePath(c.id)}>{c.title || c.id}</Link> <StatusBadge status={c.status} />{' '}
                      <span className="muted">{t('cases.due', { due: c.next_deadline ?? '' })}</span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </div>
          {data.shown.length > 0 && (
            <CaseTable cases={data.shown} overdue={data.overdue} persons={data.persons} caption={t('cases.dash_most_urgent')} />
          )}
        </>
      )}
    </section>
  );
}
