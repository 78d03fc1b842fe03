import { api } from '../api/client';
import { LoadError, Loading, PageTitle, RestrictedBadge } from '../components/ui';
import { useI18n } from '../i18n';
import { otherNames, personName } from '../lib/display';
import { Link, recordPath, useLocation } from '../lib/router';
import { useAsync } from '../lib/useAsync';
import { useTitle } from '../lib/useTitle';
import { useReference } from '../state/reference';

export function SearchPage() {
  const { t } = useI18n();
  const ref = useReference();
  const loc = useLocation();
  const q = (loc.query.get('q') ?? '').trim();
  useTitle(t('search.title'));
  const { data, error, loading } = useAsync(() => (q ? api.search(q, 20) : Promise.resolve({ items: [] })), [q]);
  return (
    <>
      <PageTitle>{q ? t('search.results', { q }) : t('search.title')}</PageTitle>
      <p className="muted">{t('search.hint')}</p>
      {!q && <p>{t('search.enter_query')}</p>}
      <section aria-live="polite" aria-busy={loading}>
        {q && loading && <Loading />}
        {!!error && <LoadError error={error} />}
        {q && data && (data.items.length === 0 ? <p>{t('search.none', { q })}</p> : (
          <ol className="search-results">
            {data.items.map((h) => (
              <li key={h.person.id} className="card">
                <h2>
                  <Link href={recordPath('persons', h.person.id)}>{personName(h.person, t)}</Link>
                  {h.person.redacted && <> <RestrictedBadge /></>}
                </h2>
                {otherNames(h.person).length > 0 && <p>{otherNames(h.person).join(' · ')}</p>}
                <p className="muted small">
                  {!h.person.redacted && <>{t('search.matched', { name: h.matched })} · </>}
                  {t('search.score', { score: h.score.toFixed(2) })}
                  {h.person.birth_date && <> · {h.person.birth_date}</>}
                  {h.person.origin && <> · {ref.placeLabel(h.person.origin)}</>}
                </p>
              </li>
            ))}
          </ol>
        ))}
      </section>
    </>
  );
}
