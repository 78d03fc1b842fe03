// Choosing related records in forms: the sources a record cites, a person (by name search),
// an incident.
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import { api } from '../api/client';
import type { Incident, Person, SearchHit, Source } from '../api/types';
import { useI18n } from '../i18n';
import { incidentName, personName } from '../lib/display';
import { fetchRecord, listAll } from '../lib/records';
import { Link } from '../lib/router';
import { useReference } from '../state/reference';
import { FieldGroup, fieldDomId, Field, errorText } from './ui';

const SHOWN = 40;

export function SourcePicker({ path, values, onChange, error }: {
  path: string;
  values: string[];
  onChange: (ids: string[]) => void;
  error?: string;
}) {
  const { t } = useI18n();
  const ref = useReference();
  const [sources, setSources] = useState<Source[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [filter, setFilter] = useState('');
  useEffect(() => {
    listAll('sources', {}).then(setSources, setLoadError);
  }, []);
  const id = fieldDomId(path);
  const matching = useMemo(() => {
    if (!sources) return [];
    const f = filter.trim().toLowerCase();
    const chosen = sources.filter((s) => values.includes(s.id));
    const others = sources.filter(
      (s) => !values.includes(s.id) && (!f || s.title.toLowerCase().includes(f) || s.id.toLowerCase().includes(f)),
    );
    return [...chosen, ...others.slice(0, SHOWN)];
  }, [sources, values, filter]);
  const hidden = sources ? sources.filter((s) => !values.includes(s.id)).length - (matching.length - values.length) : 0;
  return (
    <FieldGroup path={path} legend={t('source.picker')} hint={t('source.picker_hint')} error={error}>
      {loadError ? <p className="field__error">{errorText(t, loadError)}</p> : null}
      {sources && sources.length === 0 && (
        <p>
          {t('source.picker_none')} <Link href="/sources/new">{t('source.create_first')}</Link>
        </p>
      )}
      {sources && sources.length > 0 && (
        <>
          <div className="field field--inline">
            <label htmlFor={`${id}-filter`}>{t('source.picker_filter')}</label>
            <input id={`${id}-filter`} type="search" value={filter} onChange={(e) => setFilter(e.target.value)}
              onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()} />
          </div>
          <ul className="picker-list">
            {matching.map((s) => (
              <li key={s.id} className="checkbox">
                <input
                  type="checkbox"
                  id={`${id}-${s.id}`}
                  checked={values.includes(s.id)}
                  onChange={(e) => onChange(e.target.checked ? [...values, s.id] : values.filter((v) => v !== s.id))}
                />
                <label htmlFor={`${id}-${s.id}`}>
                  {s.title || s.id}{' '}
                  <span className="muted">
                    ({ref.label('source_kinds', s.kind)}{s.date ? `, ${s.date}` : ''})
                  </span>
                </label>
              </li>
            ))}
          </ul>
          {hidden > 0 && <p className="field__hint">{t('source.picker_more', { count: SHOWN })}</p>}
        </>
      )}
    </FieldGroup>
  );
}

export function PersonPicker({ path, label, value, onChange, error, excludeId, required }: {
  path: string;
  label: string;
  value: string;
  onChange: (id: string) => void;
  error?: string;
  excludeId?: string;
  required?: boolean;
}) {
  const { t } = useI18n();
  const [chosen, setChosen] = useState<Person | null>(null);
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [searchError, setSearchError] = useState<unknown>(null);
  const [editing, setEditing] = useState(!value);

  useEffect(() => {
    if (!value) {
      setChosen(null);
      return;
    }
    let live = true;
    fetchRecord('persons', value).then((p) => live && setChosen(p), () => live && setChosen(null));
    return () => {
      live = false;
    };
  }, [value]);

  const find = () => {
    if (!query.trim()) return;
    setSearchError(null);
    api.search(query.trim(), 10).then((r) => setHits(r.items.filter((h) => h.person.id !== excludeId)), setSearchError);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      find();
    }
  };
  const id = fieldDomId(path);

  if (value && !editing) {
    return (
      <div className={`field picker-chosen${error ? ' field--invalid' : ''}`}>
        <span className="field__label-text" id={`${id}-label`}>{label}</span>
        <p>
          <span id={id} tabIndex={-1}>
            {t('picker.chosen', { name: chosen ? personName(chosen, t) : value })} <span className="muted">({value})</span>
          </span>{' '}
          <button type="button" className="button button--small button--secondary" aria-describedby={`${id}-label`}
            onClick={() => setEditing(true)}>
            {t('picker.change')}
          </button>
        </p>
        {error && <p className="field__error">{error}</p>}
      </div>
    );
  }
  return (
    <Field path={path} label={label} error={error} required={required} hint={t('picker.find_person')}>
      {(control) => (
        <div className="picker-search">
          <div className="inline-controls">
            <input {...control} type="search" value={query} onChange={(e) => setQuery(e.target.value)} onKeyDown={onKey} />
            <button type="button" className="button button--secondary" onClick={find}>{t('picker.find')}</button>
            {value && (
              <button type="button" className="button button--secondary" onClick={() => setEditing(false)}>
                {t('common.cancel')}
              </button>
            )}
          </div>
          {searchError ? <p className="field__error">{errorText(t, searchError)}</p> : null}
          {hits && (
            <div aria-live="polite">
              {hits.length === 0 ? (
                <p>{t('picker.no_results')}</p>
              ) : (
                <ul className="picker-results" aria-label={t('picker.results')}>
                  {hits.map((h) => (
                    <li key={h.person.id}>
                      <button type="button" className="button button--small" onClick={() => {
                        onChange(h.person.id);
                        setEditing(false);
                        setHits(null);
                        setQuery('');
                      }}>
                        {t('picker.choose', { name: personName(h.person, t) })}
                      </button>{' '}
                      <span className="muted">{h.person.id} · {h.matched}</span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </div>
      )}
    </Field>
  );
}

export function IncidentPicker({ path, value, onChange, error }: {
  path: string;
  value: string;
  onChange: (id: string) => void;
  error?: string;
}) {
  const { t } = useI18n();
  const ref = useReference();
  const [incidents, setIncidents] = useState<Incident[] | null>(null);
  const [filter, setFilter] = useState('');
  const [loadError, setLoadError] = useState<unknown>(null);
  useEffect(() => {
    listAll('incidents', {}).then(setIncidents, setLoadError);
  }, []);
  const id = fieldDomId(path);
  const name = (i: Incident) => `${incidentName(i, t, ref.label('incident_types', i.type))} · ${i.start}${i.place ? ` · ${ref.placeLabel(i.place)}` : ''}`;
  const f = filter.trim().toLowerCase();
  const shown = (incidents ?? []).filter((i) => i.id === value || !f || name(i).toLowerCase().includes(f) || i.id.includes(f));
  return (
    <div className="picker-incident">
      {loadError ? <p className="field__error">{errorText(t, loadError)}</p> : null}
      <div className="field field--inline">
        <label htmlFor={`${id}-filter`}>{t('picker.find_incident')}</label>
        <input id={`${id}-filter`} type="search" value={filter} onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()} />
      </div>
      <Field path={path} label={t('act.incident')} error={error} required>
        {(control) => (
          <select {...control} value={value} onChange={(e) => onChange(e.target.value)}>
            <option value="">{incidents && incidents.length === 0 ? t('picker.incident_none') : t('common.choose')}</option>
            {shown.map((i) => (
              <option key={i.id} value={i.id}>{name(i)}</option>
            ))}
          </select>
        )}
      </Field>
    </div>
  );
}
