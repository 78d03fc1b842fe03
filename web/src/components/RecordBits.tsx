// Pieces of the detail pages: cited sources, record actions (edit, history, delete), definition rows.
import { useState, type ReactNode } from 'react';
import { api } from '../api/client';
import { canDelete, canEdit, canSeeHistory, type Collection, type Source } from '../api/types';
import { useI18n } from '../i18n';
import { forgetRecord } from '../lib/records';
import { Link, navigate, recordPath } from '../lib/router';
import { useReference } from '../state/reference';
import { useSession } from '../state/session';
import { errorText, RestrictedBadge } from './ui';

export function SourceCitations({ ids, sources, label }: { ids: string[]; sources: Map<string, Source | null> | undefined; label?: string }) {
  const { t } = useI18n();
  const ref = useReference();
  if (ids.length === 0) return <p className="muted">{t('common.none_cited')}</p>;
  return (
    <ul className="citations" aria-label={label ?? t('common.sources')}>
      {ids.map((id) => {
        const s = sources?.get(id);
        return (
          <li key={id}>
            <Link href={recordPath('sources', id)}>{s ? s.title || id : id}</Link>
            {s && (
              <span className="muted">
                {' '}({[ref.label('source_kinds', s.kind), s.date, ref.label('reliability', s.reliability)].filter(Boolean).join(', ')})
              </span>
            )}
            {s?.redacted && <> <RestrictedBadge /></>}
          </li>
        );
      })}
    </ul>
  );
}

export function RecordActions({ collection, id, listPath, extra }: {
  collection: Collection;
  id: string;
  listPath: string;
  extra?: ReactNode;
}) {
  const { t } = useI18n();
  const { user } = useSession();
  const [error, setError] = useState<unknown>(null);
  const remove = async () => {
    if (!window.confirm(t('common.confirm_delete'))) return;
    setError(null);
    try {
      await api.remove(collection, id);
      forgetRecord(collection, id);
      navigate(listPath);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <div className="record-actions">
        {extra}
        {canEdit(user?.role) && <Link className="button" href={recordPath(collection, id, '/edit')}>{t('common.edit')}</Link>}
        {canSeeHistory(user?.role) && (
          <Link className="button button--secondary" href={recordPath(collection, id, '/history')}>{t('common.history')}</Link>
        )}
        {canDelete(user?.role) && (
          <button type="button" className="button button--danger" onClick={() => void remove()}>{t('common.delete')}</button>
        )}
      </div>
      <div role="alert" className={error ? 'alert alert--error' : 'visually-hidden'}>{error ? errorText(t, error) : ''}</div>
    </>
  );
}

export function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="facts">
      {rows.filter(([, v]) => v !== null && v !== undefined && v !== '' && v !== false).map(([k, v]) => (
        <div className="facts__row" key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
