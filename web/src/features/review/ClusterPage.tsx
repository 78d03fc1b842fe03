// A person as a cluster of records: every record with its names, split per record, and undo of
// the last merge or split made in this tab. ClusterLink is the entry from a person's page.
import { useState } from 'react';
import { canEdit } from '../../api/types';
import { LoadError, Loading, Notice, PageTitle, RestrictedBadge, errorText } from '../../components/ui';
import { useI18n } from '../../i18n';
import { personName } from '../../lib/display';
import { Link, recordPath } from '../../lib/router';
import { useAsync } from '../../lib/useAsync';
import { useTitle } from '../../lib/useTitle';
import { useReference } from '../../state/reference';
import { useSession } from '../../state/session';
import { lastChange, rememberChange, reviewApi } from './api';
import { labelOr } from './PairPage';

export function ClusterLink({ personId }: { personId: string }) {
  const { t } = useI18n();
  const { data } = useAsync(() => reviewApi.cluster(personId), [personId]);
  if (!data) return null;
  return (
    <p className="record-meta">
      <Link href={recordPath('persons', personId, '/cluster')}>{t('review.cluster_link', { count: data.members.length })}</Link>
    </p>
  );
}

export function ClusterPage({ id }: { id: string }) {
  const { t } = useI18n();
  const ref = useReference();
  const { user } = useSession();
  const { data, error, loading, reload } = useAsync(() => reviewApi.cluster(id), [id]);
  const [message, setMessage] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [undoable, setUndoable] = useState(lastChange);
  const self = data?.members.find((m) => m.id === id);
  const title = self ? t('review.cluster_of', { name: personName(self, t) }) : t('review.cluster_title');
  useTitle(title);
  const writer = canEdit(user?.role);

  const act = async (work: () => Promise<{ change: { seq: number; action: string } | null }>, done: string, undo: boolean) => {
    setBusy(true);
    setActionError(null);
    try {
      const r = await work();
      rememberChange(undo ? null : r.change);
      setUndoable(lastChange());
      setMessage(done);
      reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };

  if (loading && !data) return <Loading />;
  if (error || !data) return <LoadError error={error} />;
  const several = data.members.length > 1;
  return (
    <article aria-labelledby="cluster-title">
      <PageTitle actions={<Link className="button button--secondary" href={recordPath('persons', id)}>{t('review.back_to_person')}</Link>}>
        <span id="cluster-title">{title}</span>
      </PageTitle>
      <p>{t('review.cluster_intro')}</p>
      <div role="status" aria-live="polite">{message && <Notice>{message}</Notice>}</div>
      {actionError !== null && <div className="alert alert--error" role="alert">{errorText(t, actionError)}</div>}
      {writer && undoable && (
        <div className="review-undo">
          <p id="review-undo-hint" className="muted">
            {t('review.undo_hint', { action: labelOr(t, `review.action.${undoable.action}`, undoable.action), seq: undoable.seq })}
          </p>
          <button type="button" className="button button--secondary" disabled={busy} aria-describedby="review-undo-hint"
            onClick={() => act(() => reviewApi.undo(undoable.seq), t('review.undo_done'), true)}>
            {t('review.undo')}
          </button>
        </div>
      )}
      {!several && <p>{t('review.only_record')}</p>}
      <div className="table-wrap">
        <table className="records">
          <caption>{t('review.cluster_link', { count: data.members.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('common.name')}</th>
              <th scope="col">{t('review.names')}</th>
              <th scope="col">{t('person.birth_date')}</th>
              <th scope="col">{t('person.sex')}</th>
              <th scope="col">{t('person.origin')}</th>
              <th scope="col">{t('common.sources')}</th>
              {writer && several && <th scope="col">{t('common.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {data.members.map((p) => (
              <tr key={p.id}>
                <th scope="row">
                  <Link href={recordPath('persons', p.id)}>{personName(p, t)}</Link> {p.redacted && <RestrictedBadge />}
                  <div className="muted small mono">{p.id}</div>
                </th>
                <td>{p.redacted ? '—' : p.names.map((n) => n.value).join(' · ')}</td>
                <td>{p.birth_date ?? '—'}</td>
                <td>{ref.label('sexes', p.sex)}</td>
                <td>{p.origin ? ref.placeLabel(p.origin) : '—'}</td>
                <td>{p.source_ids.length}</td>
                {writer && several && (
                  <td>
                    <button type="button" className="button button--secondary button--small" disabled={busy}
                      onClick={() => act(() => reviewApi.split(p.id), t('review.split_done'), false)}>
                      {t('review.split', { name: personName(p, t) })}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </article>
  );
}
