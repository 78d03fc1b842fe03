import { api } from '../api/client';
import type { Collection } from '../api/types';
import { LoadError, Loading, PageTitle } from '../components/ui';
import { useI18n } from '../i18n';
import { Link, recordPath } from '../lib/router';
import { useAsync } from '../lib/useAsync';
import { useTitle } from '../lib/useTitle';
import { actionLabel, formatTime, kindLabel } from './Dashboard';

const KIND: Record<Collection, string> = {
  persons: 'person', incidents: 'incident', sources: 'source', acts: 'act', involvements: 'involvement',
};

// Shows a field value from the audit trail: text as is, lists and objects as compact JSON.
export function showValue(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 0) return null;
  return JSON.stringify(v, null, 1).replace(/\n\s*/g, ' ');
}

export function HistoryPage({ collection, id }: { collection: Collection; id: string }) {
  const { t, lang } = useI18n();
  const kind = kindLabel(t, KIND[collection]);
  const title = t('history.title', { kind, id });
  useTitle(title);
  const { data, error, loading } = useAsync(() => api.history(collection, id), [collection, id]);
  return (
    <>
      <PageTitle>{title}</PageTitle>
      <p><Link href={recordPath(collection, id)}>← {t('history.back')}</Link></p>
      {loading && <Loading />}
      {!!error && <LoadError error={error} />}
      {data && (data.entries.length === 0 ? <p>{t('history.empty')}</p> : (
        <ol className="history" reversed>
          {[...data.entries].sort((a, b) => b.seq - a.seq).map((entry) => {
            const changes = entry.changes ? Object.entries(entry.changes) : null;
            return (
              <li key={entry.seq} className="panel history__entry">
                <h2 className="history__head">
                  {t('history.entry', { seq: entry.seq, actor: entry.actor, action: actionLabel(t, entry.action) })}{' '}
                  <time dateTime={entry.at} className="muted">{formatTime(entry.at, lang)}</time>
                </h2>
                {changes && changes.length > 0 ? (
                  <div className="table-wrap">
                    <table className="changes">
                      <thead>
                        <tr>
                          <th scope="col">{t('history.field')}</th>
                          <th scope="col">{t('history.before')}</th>
                          <th scope="col">{t('history.after')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {changes.map(([field, c]) => {
                          const before = showValue(c.before);
                          const after = showValue(c.after);
                          return (
                            <tr key={field}>
                              <th scope="row" className="mono">{field}</th>
                              <td className="changes__before">{before ?? <span className="muted">{t('history.empty_value')}</span>}</td>
                              <td className="changes__after">{after ?? <span className="muted">{t('history.empty_value')}</span>}</td>
                            </tr>
                          );
                        })}
                      </tbody>
                    </table>
                  </div>
                ) : (
                  <>
                    {entry.fields && entry.fields.length > 0 && <p>{t('history.fields_changed', { fields: entry.fields.join(', ') })}</p>}
                    {!changes && <p className="muted">{t('history.no_changes')}</p>}
                  </>
                )}
              </li>
            );
          })}
        </ol>
      ))}
    </>
  );
}
