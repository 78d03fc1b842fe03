// The overview's panel of urgent cases: what is overdue and what falls due soon (case deadlines and
// intervention follow-ups, from GET /reminders), and the open cases, most urgent first.
import { LoadError, Loading } from '../../components/ui';
import { useI18n } from '../../i18n';
import { fetchRecords } from '../../lib/records';
import { Link } from '../../lib/router';
import { useAsync } from '../../lib/useAsync';
import { casesApi, listAllCases, type OverdueReason, type Reminder } from './api';
import { casePath, OverdueBadge, overdueText, RiskBadge } from './bits';
import { CaseTable } from './CaseList';
import { byUrgency, isOpen } from './logic';

const SHOWN = 8;
const SOON_DAYS = 14;

async function loadPanel() {
  const [all, reminders] = await Promise.all([listAllCases(), casesApi.reminders(SOON_DAYS)]);
  const open = all.filter(isOpen).sort(byUrgency);
  const overdue = new Map<string, OverdueReason[]>();
  for (const r of reminders.overdue) overdue.set(r.case_id, [...(overdue.get(r.case_id) ?? []), r]);
  const shown = open.slice(0, SHOWN);
  const persons = await fetchRecords('persons', shown.flatMap((c) => c.person_ids));
  return { open, shown, overdue, reminders, persons };
}

function ReminderList({ items, empty }: { items: Reminder[]; empty: string }) {
  const { t } = useI18n();
  if (items.length === 0) return <p>{empty}</p>;
  return (
    <ul className="plain case-reminders">
      {items.map((r) => (
        <li key={`${r.record_id}/${r.what}`}>
          <Link href={casePath(r.case_id)}>{r.title || r.case_id}</Link> <RiskBadge risk={r.risk} />
          {r.days_left < 0 && <> <OverdueBadge /></>}
          <div className="small">
            {r.days_left < 0 ? overdueText(t, r) : t(r.what === 'deadline' ? 'cases.soon_deadline' : 'cases.soon_follow_up', { due: r.due, days: r.days_left })}
            {r.officer && <span className="muted"> · {r.officer}</span>}
          </div>
        </li>
      ))}
    </ul>
  );
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
            {data.overdue.size > 0 && <> · <Link href="/cases?overdue=1">{t('cases.dash_overdue', { count: data.overdue.size })}</Link></>}
          </p>
          <div className="case-dash-grid">
            <div>
              <h3>{t('cases.overdue_title')}</h3>
              <ReminderList items={data.reminders.overdue} empty={t('cases.dash_none_overdue')} />
            </div>
            <div>
              <h3>{t('cases.dash_soon', { days: SOON_DAYS })}</h3>
              <ReminderList items={data.reminders.upcoming} empty={t('cases.dash_none_soon')} />
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
