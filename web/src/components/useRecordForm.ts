// State, validation and saving of a form. Client-side checks run on submit and then on every
// change; server errors are shown next to the field they name (or at the top when no such field is
// on screen).
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { ApiError, mapApiError } from '../api/errors';
import type { Collection, RecordTypes } from '../api/types';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n/messages';
import { forgetRecord } from '../lib/records';
import { navigate, recordPath } from '../lib/router';
import type { Problems } from '../lib/validate';
import { fieldDomId } from './ui';

// Fields the server adds to responses and rejects in requests.
const RESPONSE_ONLY = ['pseudonym', 'redacted'];

export function toRequestBody<T extends object>(record: T): T {
  const out = { ...record } as Record<string, unknown>;
  for (const k of RESPONSE_ONLY) delete out[k];
  return out as T;
}

export function fieldOnScreen(path: string): boolean {
  return document.getElementById(fieldDomId(path)) !== null;
}

// A form over any object: optional loading of the value to edit, client-side checks, saving, and
// server errors put next to the fields they name. `save` stores the normalised value and returns
// the path to show next. Record forms use it through useRecordForm; feature forms directly.
export function useForm<R extends object>(opts: {
  initial: R;
  load?: () => Promise<R>; // editing: the value to start from
  loadKey?: string; // reloads when it changes
  normalise: (r: R) => R;
  validate: (r: R) => Problems;
  save: (body: R) => Promise<string>;
}) {
  const { t } = useI18n();
  const [record, setRecord] = useState<R>(opts.initial);
  const [loaded, setLoaded] = useState(!opts.load);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [tried, setTried] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [failedAttempts, setFailedAttempts] = useState(0);

  useEffect(() => {
    if (!opts.load) return;
    let live = true;
    opts.load().then(
      (r) => {
        if (!live) return;
        setRecord(r);
        setLoaded(true);
      },
      (e: unknown) => live && setLoadError(e),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opts.loadKey]);

  const problems = useMemo(() => (tried ? opts.validate(opts.normalise(record)) : {}), [tried, record, opts]);
  const errors: Record<string, string> = useMemo(() => {
    const out: Record<string, string> = {};
    for (const [path, p] of Object.entries(problems)) out[path] = t(p.key, p.vars);
    return { ...out, ...serverErrors };
  }, [problems, serverErrors, t]);

  const update = (change: Partial<R>) => {
    setRecord((r) => ({ ...r, ...change }));
    // A server error is about the value that was sent; once the field changes it no longer applies.
    const keys = Object.keys(change);
    setServerErrors((e) => {
      const next = { ...e };
      for (const k of Object.keys(next)) if (keys.some((c) => k === c || k.startsWith(`${c}[`) || k.startsWith(`${c}.`))) delete next[k];
      return next;
    });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    setFormError(null);
    setServerErrors({});
    const body = toRequestBody(opts.normalise(record));
    if (Object.keys(opts.validate(body)).length > 0) {
      setFailedAttempts((n) => n + 1);
      return;
    }
    setSaving(true);
    try {
      navigate(await opts.save(body));
    } catch (err) {
      const mapped = mapApiError(err, fieldOnScreen, (code) => {
        const key = `err.${code}` as MessageKey;
        const s = t(key);
        return s === key ? t('err.unknown') : s;
      });
      setServerErrors(mapped.fields);
      setFormError(mapped.form);
      if (!(err instanceof ApiError && err.code === 'unauthenticated')) setFailedAttempts((n) => n + 1);
    } finally {
      setSaving(false);
    }
  };

  return { record, setRecord, update, errors, formError, saving, submit, loaded, loadError, editing: !!opts.load, failedAttempts };
}

export function useRecordForm<C extends Collection>(opts: {
  collection: C;
  id?: string; // editing this record; absent for a new one
  initial: RecordTypes[C];
  normalise: (r: RecordTypes[C]) => RecordTypes[C];
  validate: (r: RecordTypes[C]) => Problems;
}) {
  const { collection, id } = opts;
  return useForm<RecordTypes[C]>({
    initial: opts.initial,
    normalise: opts.normalise,
    validate: opts.validate,
    load: id ? () => api.get(collection, id) : undefined,
    loadKey: `${collection}/${id ?? ''}`,
    save: async (body) => {
      const saved = id ? await api.update(collection, id, body) : await api.create(collection, body);
      forgetRecord(collection, saved.id);
      return recordPath(collection, saved.id);
    },
  });
}
