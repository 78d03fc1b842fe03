// State, validation and saving of a record form. Client-side checks run on submit and then on every
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

export function useRecordForm<C extends Collection>(opts: {
  collection: C;
  id?: string; // editing this record; absent for a new one
  initial: RecordTypes[C];
  normalise: (r: RecordTypes[C]) => RecordTypes[C];
  validate: (r: RecordTypes[C]) => Problems;
}) {
  const { t } = useI18n();
  const [record, setRecord] = useState<RecordTypes[C]>(opts.initial);
  const [loaded, setLoaded] = useState(!opts.id);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [tried, setTried] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [failedAttempts, setFailedAttempts] = useState(0);

  useEffect(() => {
    if (!opts.id) return;
    let live = true;
    api.get(opts.collection, opts.id).then(
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
  }, [opts.collection, opts.id]);

  const problems = useMemo(() => (tried ? opts.validate(opts.normalise(record)) : {}), [tried, record, opts]);
  const errors: Record<string, string> = useMemo(() => {
    const out: Record<string, string> = {};
    for (const [path, p] of Object.entries(problems)) out[path] = t(p.key, p.vars);
    return { ...out, ...serverErrors };
  }, [problems, serverErrors, t]);

  const update = (change: Partial<RecordTypes[C]>) => {
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
      const saved = opts.id
        ? await api.update(opts.collection, opts.id, body)
        : await api.create(opts.collection, body);
      forgetRecord(opts.collection, saved.id);
      navigate(recordPath(opts.collection, saved.id));
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

  return { record, setRecord, update, errors, formError, saving, submit, loaded, loadError, editing: !!opts.id, failedAttempts };
}
