import { api } from '../api/client';
import { collectionOfKind } from '../api/types';
import { IncidentChart } from '../components/Chart';
import { UrgentCasesPanel } from '../features/cases/UrgentCasesPanel';
import { LoadError, Loading, PageTitle } from '../components/ui';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n/messages';
import { Link, recordPath } from '../lib/router';
import { useAsync } from '../lib/useAsync';
import { useTitle } from '../lib/useTitle';

export function formatTime(at: string, lang: string): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  return d.toLocaleString(lang === 'ko' ? 'ko-KR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

export function actionLabel(t: (k: MessageKey) => string, action: string): string {
  const key = `action.${action}` as MessageKey;
  const s = t(key);
  return s === key ? action : s;
}

export function kindLabel(t: (k: MessageKey) => string, kind: string): string {
  const key = `kind.${kind}` as MessageKey;
  const s = t(key);
  return s === key ? kind : s;
}

export function Dashboard() {
  const { t, lang } = useI18n();
  useTitle(t('dash.title'));
  const { data, error, loading } = useAsync(() => api.dashboard(), []);
  return (
    <>
      <PageTitle>{t('dash.title')}</PageTitle>
      {loading && <Loading />}
      {!!error && <LoadError error={error} />}
      {data && (
        <div className="dashboard">
          <section aria-labelledby="dash-counts" className="panel dashboard__counts">
            <h2 id="dash-counts">{t('dash.counts')}</h2>
            <ul className="counts">
              <li><Link href="/persons"><span className="counts__n">{data.counts.persons}</span> {t('nav.persons')}</Link></li>
              <li><Link href="/incidents"><span className="counts__n">{data.counts.incidents}</span> {t('nav.incidents')}</Link></li>
              <li><Link href="/sources"><span className="counts__n">{data.counts.sources}</span> {t('nav.sources')}</Link></li>
            </ul>
          </section>
          <UrgentCasesPanel />
          <section aria-labelledby="dash-chart" className="panel dashboard__chart">
            <h2 id="dash-chart">{t('dash.chart_title')}</h2>
            <IncidentChart rows={data.incidents_by_type_year} />
          </section>
          <section aria-labelledby="dash-recent" className="panel dashboard__recent">
            <h2 id="dash-recent">{t('dash.recent')}</h2>
            {data.recent_changes.length === 0 ? (
              <p>{t('dash.recent_empty')}</p>
            ) : (
              <ol className="recent">
                {data.recent_changes.map((c) => {
                  const col = collectionOfKind(c.kind);
                  const id = col && c.action !== 'delete' ? (
                    <Link href={recordPath(col, c.record_id)}>{c.record_id}</Link>
                  ) : (
                    <span>{c.record_id}</span>
                  );
                  return (
                    <li key={c.seq}>
                      <span className="recent__what">
                        <strong>{c.actor}</strong> · {actionLabel(t, c.action)} · {kindLabel(t, c.kind)} {id}
                      </span>
                      <time dateTime={c.at} className="muted">{formatTime(c.at, lang)}</time>
                    </li>
                  );
                })}
              </ol>
            )}
          </section>
        </div>
      )}
    </>
  );
}
