import { api } from '../api/client';
import type { Act, Incident, Involvement, Person, Source } from '../api/types';
import { canEdit } from '../api/types';
import { Facts, RecordActions, SourceCitations } from '../components/RecordBits';
import { LoadError, Loading, Notice, PageTitle, RestrictedBadge, SensitivityBadge } from '../components/ui';
import { useI18n } from '../i18n';
import { countText, dateRange, incidentName, personName } from '../lib/display';
import { dateSortKey } from '../lib/dates';
import { fetchRecord, fetchRecords, listAll } from '../lib/records';
import { Link, recordPath } from '../lib/router';
import { useAsync } from '../lib/useAsync';
import { useTitle } from '../lib/useTitle';
import { useReference } from '../state/reference';
import { useSession } from '../state/session';
import { IncidentTable, PersonRow, SourceTable } from './Lists';
import { ClusterLink } from '../features/review/routes';
import { EvidenceSection } from '../features/evidence/EvidenceSection';

function PersonLinkText({ p, id }: { p: Person | null | undefined; id: string }) {
  const { t } = useI18n();
  return (
    <>
      <Link href={recordPath('persons', id)}>{p ? personName(p, t) : id}</Link>
      {p?.redacted && <> <RestrictedBadge /></>}
    </>
  );
}

// ---------------------------------------------------------------------------------------- person

interface PersonView {
  person: Person;
  acts: Act[];
  incidents: Map<string, Incident | null>;
  sources: Map<string, Source | null>;
  linked: Map<string, Person | null>;
}

async function loadPerson(id: string): Promise<PersonView> {
  const person = await api.get('persons', id);
  const acts = await listAll('acts', { person_id: id });
  const incidents = await fetchRecords('incidents', acts.map((a) => a.incident_id));
  const sourceIds = [
    ...person.source_ids,
    ...acts.flatMap((a) => a.source_ids),
    ...[...incidents.values()].flatMap((i) => i?.source_ids ?? []),
  ];
  const [sources, linked] = await Promise.all([
    fetchRecords('sources', sourceIds),
    fetchRecords('persons', person.links.map((l) => l.person_id)),
  ]);
  return { person, acts, incidents, sources, linked };
}

export function PersonDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const ref = useReference();
  const { user } = useSession();
  const { data, error, loading } = useAsync(() => loadPerson(id), [id]);
  const p = data?.person;
  useTitle(p ? personName(p, t) : null);
  if (loading) return <Loading />;
  if (error || !data || !p) return <LoadError error={error} />;
  const timeline = [...data.acts].sort((a, b) =>
    dateSortKey(data.incidents.get(a.incident_id)?.start) - dateSortKey(data.incidents.get(b.incident_id)?.start));
  return (
    <article aria-labelledby="record-title">
      <PageTitle>
        <span id="record-title">{personName(p, t)}</span> {p.redacted && <RestrictedBadge />}
      </PageTitle>
      <p className="record-meta">
        <span className="muted">{t('common.pseudonym')}: </span><span className="mono">{p.pseudonym ?? '—'}</span>
        {' · '}<span className="muted">{t('common.id')}: </span><span className="mono">{p.id}</span>
        {' · '}<SensitivityBadge value={p.sensitivity} />
      </p>
      <ClusterLink personId={p.id} />
      {p.redacted && <Notice>{t('common.restricted_note')}</Notice>}
      <RecordActions collection="persons" id={p.id} listPath="/persons" extra={canEdit(user?.role) && (
        <Link className="button button--secondary" href={`/acts/new?victim_id=${encodeURIComponent(p.id)}`}>{t('person.add_act')}</Link>
      )} />
      <div className="detail-grid">
        <section className="panel" aria-labelledby="person-details">
          <h2 id="person-details">{t('common.details')}</h2>
          {!p.redacted && p.names.length > 0 && (
            <table className="names">
              <caption>{t('person.names')}</caption>
              <thead>
                <tr><th scope="col">{t('person.name')}</th><th scope="col">{t('person.script')}</th><th scope="col">{t('person.name_kind')}</th></tr>
              </thead>
              <tbody>
                {p.names.map((n, i) => (
                  <tr key={i}>
                    <th scope="row" lang={n.script === 'hangul' ? 'ko' : n.script === 'chinese' ? 'zh' : undefined}>{n.value}</th>
                    <td>{ref.label('scripts', n.script)}</td>
                    <td>{ref.label('name_kinds', n.kind)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <Facts rows={[
            [t('person.sex'), ref.label('sexes', p.sex)],
            [t('person.birth_date'), p.birth_date],
            [t('person.origin'), ref.placeLabel(p.origin)],
            [t('person.unit'), ref.label('counting_units', p.unit)],
            [t('person.group_size'), countText(p.group_size, ref.label('count_qualifiers', p.group_size?.qualifier))],
            [t('common.notes'), p.notes ? <p className="prewrap">{p.notes}</p> : null],
            [t('person.linked'), p.links.length > 0 ? (
              <ul className="plain">
                {p.links.map((l, i) => (
                  <li key={i}>{ref.label('relations', l.relation)}: <PersonLinkText p={data.linked.get(l.person_id)} id={l.person_id} /></li>
                ))}
              </ul>
            ) : null],
          ]} />
          <h3>{t('common.sources_of')}</h3>
          <SourceCitations ids={p.source_ids} sources={data.sources} />
        </section>
        <section className="panel" aria-labelledby="person-timeline">
          <h2 id="person-timeline">{t('person.timeline')}</h2>
          {timeline.length === 0 ? <p>{t('person.timeline_empty')}</p> : (
            <ol className="timeline">
              {timeline.map((a) => {
                const inc = data.incidents.get(a.incident_id);
                return (
                  <li key={a.id} className="timeline__item">
                    <p className="timeline__date">{inc ? dateRange(inc.start, inc.end) : ''}</p>
                    <div className="timeline__body">
                      <h3>
                        {inc ? <Link href={recordPath('incidents', inc.id)}>{incidentName(inc, t, ref.label('incident_types', inc.type))}</Link> : a.incident_id}
                      </h3>
                      {inc && <p className="muted">{ref.label('incident_types', inc.type)}{inc.place ? ` · ${ref.placeLabel(inc.place)}` : ''}</p>}
                      {a.violations.length > 0 && (
                        <p><span className="muted">{t('person.violations')}: </span>{a.violations.map((v) => ref.label('violations', v)).join(', ')}</p>
                      )}
                      <p className="small"><Link href={recordPath('acts', a.id)}>{t('act.title', { id: a.id })}</Link></p>
                      <SourceCitations ids={[...new Set([...a.source_ids, ...(inc?.source_ids ?? [])])]} sources={data.sources} />
                    </div>
                  </li>
                );
              })}
            </ol>
          )}
        </section>
      </div>
    </article>
  );
}

// -------------------------------------------------------------------------------------- incident

interface IncidentView {
  incident: Incident;
  acts: Act[];
  victims: Map<string, Person | null>;
  involvements: Involvement[];
  perpetrators: Map<string, Person | null>;
  sources: Map<string, Source | null>;
}

async function loadIncident(id: string): Promise<IncidentView> {
  const incident = await api.get('incidents', id);
  const acts = await listAll('acts', { incident_id: id });
  const [victims, involvementLists] = await Promise.all([
    fetchRecords('persons', acts.map((a) => a.victim_id)),
    Promise.all(acts.map((a) => listAll('involvements', { act_id: a.id }))),
  ]);
  const involvements = involvementLists.flat();
  const [perpetrators, sources] = await Promise.all([
    fetchRecords('persons', involvements.map((v) => v.perpetrator_person_id).filter(Boolean)),
    fetchRecords('sources', [...incident.source_ids, ...acts.flatMap((a) => a.source_ids), ...involvements.flatMap((v) => v.source_ids)]),
  ]);
  return { incident, acts, victims, involvements, perpetrators, sources };
}

export function IncidentDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const ref = useReference();
  const { user } = useSession();
  const { data, error, loading } = useAsync(() => loadIncident(id), [id]);
  const inc = data?.incident;
  const title = inc ? incidentName(inc, t, ref.label('incident_types', inc.type)) : null;
  useTitle(title);
  if (loading) return <Loading />;
  if (error || !data || !inc) return <LoadError error={error} />;
  return (
    <article>
      <PageTitle>{title}</PageTitle>
      <p className="record-meta">
        <span className="muted">{t('common.id')}: </span><span className="mono">{inc.id}</span> · <SensitivityBadge value={inc.sensitivity} />
      </p>
      <RecordActions collection="incidents" id={inc.id} listPath="/incidents" extra={canEdit(user?.role) && (
        <Link className="button button--secondary" href={`/acts/new?incident_id=${encodeURIComponent(inc.id)}`}>{t('incident.add_victim')}</Link>
      )} />
      <div className="detail-grid">
        <section className="panel" aria-labelledby="incident-details">
          <h2 id="incident-details">{t('common.details')}</h2>
          <Facts rows={[
            [t('incident.type'), ref.label('incident_types', inc.type)],
            [t('incident.when'), dateRange(inc.start, inc.end)],
            [t('incident.place'), ref.placeLabel(inc.place)],
            [t('incident.victim_count'), countText(inc.victim_count, ref.label('count_qualifiers', inc.victim_count?.qualifier))],
            [t('incident.description'), inc.description ? <p className="prewrap">{inc.description}</p> : null],
          ]} />
          <h3>{t('common.sources_of')}</h3>
          <SourceCitations ids={inc.source_ids} sources={data.sources} />
        </section>
        <section className="panel" aria-labelledby="incident-victims">
          <h2 id="incident-victims">{t('incident.victims')}</h2>
          {data.acts.length === 0 ? <p>{t('incident.no_victims')}</p> : (
            <ul className="cards">
              {data.acts.map((a) => (
                <li key={a.id} className="card">
                  <h3><PersonLinkText p={data.victims.get(a.victim_id)} id={a.victim_id} /></h3>
                  <p>{a.violations.map((v) => ref.label('violations', v)).join(', ')}</p>
                  {a.provisions.length > 0 && <p className="muted small">{a.provisions.map((v) => ref.label('legal_provisions', v)).join(', ')}</p>}
                  <p className="small"><Link href={recordPath('acts', a.id)}>{t('act.title', { id: a.id })}</Link></p>
                  <SourceCitations ids={a.source_ids} sources={data.sources} />
                </li>
              ))}
            </ul>
          )}
          <h2>{t('incident.perpetrators')}</h2>
          {inc.perpetrator_orgs.length === 0 && data.involvements.length === 0 ? <p>{t('incident.no_perpetrators')}</p> : (
            <ul className="plain">
              {inc.perpetrator_orgs.map((o) => <li key={o}>{ref.label('organisations', o)}</li>)}
              {data.involvements.map((v) => (
                <li key={v.id}>
                  {v.perpetrator_person_id ? <PersonLinkText p={data.perpetrators.get(v.perpetrator_person_id)} id={v.perpetrator_person_id} /> : ref.label('organisations', v.perpetrator_org)}
                  {' '}<span className="muted">({ref.label('involvement_degrees', v.degree)} · <Link href={recordPath('acts', v.act_id)}>{t('act.title', { id: v.act_id })}</Link>)</span>
                  <SourceCitations ids={v.source_ids} sources={data.sources} />
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </article>
  );
}

// ---------------------------------------------------------------------------------------- source

async function loadSource(id: string) {
  const source = await api.get('sources', id);
  const [persons, incidents, acts, involvements] = await Promise.all([
    listAll('persons', { source_id: id }),
    listAll('incidents', { source_id: id }),
    listAll('acts', { source_id: id }),
    listAll('involvements', { source_id: id }),
  ]);
  return { source, persons, incidents, acts, involvements };
}

export function SourceDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const ref = useReference();
  const { data, error, loading } = useAsync(() => loadSource(id), [id]);
  const s = data?.source;
  useTitle(s ? s.title || s.id : null);
  if (loading) return <Loading />;
  if (error || !data || !s) return <LoadError error={error} />;
  const citing = data.persons.length + data.incidents.length + data.acts.length + data.involvements.length;
  return (
    <article>
      <PageTitle>{s.title || s.id} {s.redacted && <RestrictedBadge />}</PageTitle>
      <p className="record-meta">
        <span className="muted">{t('common.id')}: </span><span className="mono">{s.id}</span> · <SensitivityBadge value={s.sensitivity} />
      </p>
      {s.redacted && <Notice>{t('common.restricted_source_note')}</Notice>}
      <RecordActions collection="sources" id={s.id} listPath="/sources" />
      <section className="panel" aria-labelledby="source-details">
        <h2 id="source-details">{t('common.details')}</h2>
        <Facts rows={[
          [t('source.kind'), ref.label('source_kinds', s.kind)],
          [t('source.date'), s.date],
          [t('source.language'), ref.label('languages', s.language)],
          [t('source.reliability'), ref.label('reliability', s.reliability)],
          [t('source.publisher'), s.publisher],
          [t('source.url'), s.url ? <a href={s.url} rel="noreferrer noopener" target="_blank">{s.url}</a> : null],
          [t('source.text'), s.text ? <p className="prewrap">{s.text}</p> : null],
          [t('source.contact'), s.contact ? <p className="prewrap">{s.contact}</p> : null],
        ]} />
      </section>
      <EvidenceSection sourceId={s.id} />
      <section className="panel" aria-labelledby="source-citing">
        <h2 id="source-citing">{t('source.citing')}</h2>
        {citing === 0 && <p>{t('source.citing_empty')}</p>}
        {data.persons.length > 0 && (
          <>
            <h3>{t('nav.persons')}</h3>
            <div className="table-wrap">
              <table className="records">
                <thead><tr>
                  <th scope="col">{t('common.name')}</th><th scope="col">{t('person.sex')}</th><th scope="col">{t('person.birth_date')}</th>
                  <th scope="col">{t('person.origin')}</th><th scope="col">{t('person.unit')}</th><th scope="col">{t('common.sensitivity')}</th>
                </tr></thead>
                <tbody>{data.persons.map((p) => <PersonRow key={p.id} p={p} />)}</tbody>
              </table>
            </div>
          </>
        )}
        {data.incidents.length > 0 && (<><h3>{t('nav.incidents')}</h3><IncidentTable incidents={data.incidents} /></>)}
        {data.acts.length > 0 && (
          <>
            <h3>{t('act.violations')}</h3>
            <ul className="plain">
              {data.acts.map((a) => (
                <li key={a.id}><Link href={recordPath('acts', a.id)}>{t('act.title', { id: a.id })}</Link>: {a.violations.map((v) => ref.label('violations', v)).join(', ')}</li>
              ))}
            </ul>
          </>
        )}
        {data.involvements.length > 0 && (
          <>
            <h3>{t('incident.perpetrators')}</h3>
            <ul className="plain">
              {data.involvements.map((v) => (
                <li key={v.id}><Link href={recordPath('acts', v.act_id)}>{t('act.title', { id: v.act_id })}</Link>: {v.perpetrator_org ? ref.label('organisations', v.perpetrator_org) : v.perpetrator_person_id} ({ref.label('involvement_degrees', v.degree)})</li>
              ))}
            </ul>
          </>
        )}
      </section>
    </article>
  );
}

// ------------------------------------------------------------------------------------------- act

async function loadAct(id: string) {
  const act = await api.get('acts', id);
  const [incident, victim, involvements] = await Promise.all([
    fetchRecord('incidents', act.incident_id).catch(() => null),
    fetchRecord('persons', act.victim_id).catch(() => null),
    listAll('involvements', { act_id: id }),
  ]);
  const [perpetrators, sources] = await Promise.all([
    fetchRecords('persons', involvements.map((v) => v.perpetrator_person_id).filter(Boolean)),
    fetchRecords('sources', [...act.source_ids, ...involvements.flatMap((v) => v.source_ids)]),
  ]);
  return { act, incident, victim, involvements, perpetrators, sources };
}

export function ActDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const ref = useReference();
  const { user } = useSession();
  const { data, error, loading } = useAsync(() => loadAct(id), [id]);
  useTitle(t('act.title', { id }));
  if (loading) return <Loading />;
  if (error || !data) return <LoadError error={error} />;
  const { act, incident } = data;
  return (
    <article>
      <PageTitle>{t('act.title', { id: act.id })}</PageTitle>
      <RecordActions collection="acts" id={act.id} listPath={incident ? recordPath('incidents', incident.id) : '/incidents'} extra={canEdit(user?.role) && (
        <Link className="button button--secondary" href={`/involvements/new?act_id=${encodeURIComponent(act.id)}`}>{t('act.add_involvement')}</Link>
      )} />
      <section className="panel">
        <Facts rows={[
          [t('act.incident'), incident ? <Link href={recordPath('incidents', incident.id)}>{incidentName(incident, t, ref.label('incident_types', incident.type))}</Link> : act.incident_id],
          [t('act.victim'), <PersonLinkText p={data.victim} id={act.victim_id} />],
          [t('act.violations'), act.violations.map((v) => ref.label('violations', v)).join(', ')],
          [t('act.provisions'), act.provisions.map((v) => ref.label('legal_provisions', v)).join(', ')],
          [t('act.notes'), act.notes ? <p className="prewrap">{act.notes}</p> : null],
        ]} />
        <h2>{t('common.sources_of')}</h2>
        <SourceCitations ids={act.source_ids} sources={data.sources} />
        <h2>{t('act.involvements')}</h2>
        {data.involvements.length === 0 ? <p>{t('act.no_involvements')}</p> : (
          <ul className="plain">
            {data.involvements.map((v) => (
              <li key={v.id}>
                {v.perpetrator_person_id ? <PersonLinkText p={data.perpetrators.get(v.perpetrator_person_id)} id={v.perpetrator_person_id} /> : ref.label('organisations', v.perpetrator_org)}
                {' '}<span className="muted">({ref.label('involvement_degrees', v.degree)})</span>{' '}
                <Link href={recordPath('involvements', v.id)} className="small">{v.id}</Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}

export function InvolvementDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const ref = useReference();
  const { data, error, loading } = useAsync(async () => {
    const v = await api.get('involvements', id);
    const [person, sources] = await Promise.all([
      v.perpetrator_person_id ? fetchRecord('persons', v.perpetrator_person_id).catch(() => null) : Promise.resolve(null),
      fetchRecords('sources', v.source_ids),
    ]);
    return { v, person, sources };
  }, [id]);
  useTitle(id);
  if (loading) return <Loading />;
  if (error || !data) return <LoadError error={error} />;
  const { v } = data;
  return (
    <article>
      <PageTitle>{t('kind.involvement')} {v.id}</PageTitle>
      <RecordActions collection="involvements" id={v.id} listPath={recordPath('acts', v.act_id)} />
      <section className="panel">
        <Facts rows={[
          [t('inv.act'), <Link href={recordPath('acts', v.act_id)}>{t('act.title', { id: v.act_id })}</Link>],
          [t('inv.person'), v.perpetrator_person_id ? <PersonLinkText p={data.person} id={v.perpetrator_person_id} /> : null],
          [t('inv.org'), v.perpetrator_org ? ref.label('organisations', v.perpetrator_org) : null],
          [t('inv.degree'), ref.label('involvement_degrees', v.degree)],
        ]} />
        <h2>{t('common.sources_of')}</h2>
        <SourceCitations ids={v.source_ids} sources={data.sources} />
      </section>
    </article>
  );
}

export { SourceTable };
