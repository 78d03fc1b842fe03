// Controlled vocabularies and the gazetteer, loaded once per session from the server; labels in
// the interface language.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { Place, Vocabularies, VocabularyTerm } from '../api/types';
import { useI18n } from '../i18n';

export interface PlaceOption {
  code: string;
  label: string; // in the interface language
  depth: number; // 0 country, 1 province, 2 city or county
  country: string;
}

interface Reference {
  ready: boolean;
  error: unknown;
  terms: (vocabulary: string) => VocabularyTerm[];
  label: (vocabulary: string, code: string | null | undefined) => string;
  placeLabel: (code: string | null | undefined) => string;
  placeOptions: PlaceOption[];
  retry: () => void;
}

const ReferenceContext = createContext<Reference | null>(null);

export function pickLabel(labels: Record<string, string> | undefined, lang: string, fallback: string): string {
  if (!labels) return fallback;
  return labels[lang] || labels.en || fallback;
}

// Orders places as a tree (country, its provinces, their cities) with labels in `lang`.
export function placeTree(places: Place[], lang: string): PlaceOption[] {
  const byParent = new Map<string, Place[]>();
  for (const p of places) {
    const k = p.parent || '';
    if (!byParent.has(k)) byParent.set(k, []);
    byParent.get(k)!.push(p);
  }
  const out: PlaceOption[] = [];
  const seen = new Set<string>();
  const walk = (parent: string, depth: number, country: string) => {
    const kids = [...(byParent.get(parent) ?? [])].sort((a, b) =>
      pickLabel(a.labels, lang, a.code).localeCompare(pickLabel(b.labels, lang, b.code), lang),
    );
    for (const p of kids) {
      if (seen.has(p.code)) continue;
      seen.add(p.code);
      const c = depth === 0 ? p.code : country;
      out.push({ code: p.code, label: pickLabel(p.labels, lang, p.code), depth, country: c });
      walk(p.code, depth + 1, c);
    }
  };
  walk('', 0, '');
  // Places whose parent is missing still appear, at the end.
  for (const p of places) {
    if (!seen.has(p.code)) out.push({ code: p.code, label: pickLabel(p.labels, lang, p.code), depth: 0, country: p.code });
  }
  return out;
}

export function ReferenceProvider({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  const [vocabularies, setVocabularies] = useState<Vocabularies | null>(null);
  const [places, setPlaces] = useState<Place[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    setError(null);
    Promise.all([api.vocabularies(), api.gazetteer()]).then(
      ([v, g]) => {
        if (!live) return;
        setVocabularies(v);
        setPlaces(g.places);
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [tick]);

  const placeByCode = useMemo(() => new Map((places ?? []).map((p) => [p.code, p])), [places]);
  const placeOptions = useMemo(() => placeTree(places ?? [], lang), [places, lang]);

  const terms = useCallback((name: string) => vocabularies?.[name] ?? [], [vocabularies]);
  const label = useCallback(
    (name: string, code: string | null | undefined) => {
      if (!code) return '';
      const term = vocabularies?.[name]?.find((x) => x.code === code);
      return term ? pickLabel(term.labels, lang, code) : code;
    },
    [vocabularies, lang],
  );
  const placeLabel = useCallback(
    (code: string | null | undefined) => {
      if (!code) return '';
      const parts: string[] = [];
      let p = placeByCode.get(code);
      if (!p) return code;
      // "Onsong County, North Hamgyong" — the place and its province, not the country.
      while (p && parts.length < 2) {
        parts.push(pickLabel(p.labels, lang, p.code));
        p = p.parent ? placeByCode.get(p.parent) : undefined;
        if (p && p.level === 'country' && parts.length >= 1) break;
      }
      return parts.join(', ');
    },
    [placeByCode, lang],
  );

  const value = useMemo<Reference>(
    () => ({
      ready: vocabularies !== null && places !== null,
      error,
      terms,
      label,
      placeLabel,
      placeOptions,
      retry: () => setTick((n) => n + 1),
    }),
    [vocabularies, places, error, terms, label, placeLabel, placeOptions],
  );
  return <ReferenceContext.Provider value={value}>{children}</ReferenceContext.Provider>;
}

export function useReference(): Reference {
  const ctx = useContext(ReferenceContext);
  if (!ctx) throw new Error('useReference outside ReferenceProvider');
  return ctx;
}
