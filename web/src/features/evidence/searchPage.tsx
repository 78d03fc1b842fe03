// Full-text search over source titles and texts: Hangul and Hanja from one character on; the
// server leaves out restricted sources for roles not cleared for them.
import { useState, type FormEvent } from 'react';
import { errorText, Field, PageTitle, SensitivityBadge } from '../../components/ui';
import { useI18n } from '../../i18n';
import { Link, recordPath } from '../../lib/router';
import { useTitle } from '../../lib/useTitle';
import { ingestApi, type SearchHit } from './ingestApi';
import './ingest.css';

export function SourceSearchPage() {
  const { t } = useI18n();
  useTitle(t('evidence.search_title'));
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<{ items: SearchHit[]; total: number } | null>(null);
  const [error, setError] = useState('');
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setError('');
    if (!q.trim()) return;
    try {
      const r = await ingestApi.search(q.trim());
      setHits({ items: r.items, total: r.total });
    } catch (e) {
      setHits(null);
      setError(errorText(t, e));
    }
  };
  return (
    <section className="source-search">
      <PageTitle>{t('evidence.search_title')}</PageTitle>
      <form role="search" onSubmit={submit} className="source-search__form">
        <Field path="source-search-q" label={t('evidence.search_query')} hint={t('evidence.search_hint')}>
          {(c) => <input {...c} type="search" value={q} onChange={(e) => setQ(e.target.value)} />}
        </Field>
        <button type="submit" className="button button--primary">{t('evidence.search_submit')}</button>
      </form>
      {error && <div className="alert alert--error" role="alert">{error}</div>}
      {hits && (
        <div aria-live="polite">
          <p role="status">{hits.total === 1 ? t('evidence.search_result_one') : hits.total ? t('evidence.search_results', { count: hits.total }) : t('evidence.search_none')}</p>
          <ol className="source-search__hits">
            {hits.items.map((h) => (
              <li key={h.source.id} data-source={h.source.id}>
                <Link href={recordPath('sources', h.source.id)}>{h.source.title}</Link>{' '}
                <SensitivityBadge value={h.source.sensitivity} />
                <p className="source-search__meta">{[h.source.publisher, h.source.date].filter(Boolean).join(' · ')}</p>
                <p className="source-search__snippet">{h.snippet}</p>
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}
