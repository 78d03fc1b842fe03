import { describe, expect, it } from 'vitest';
import { en, LANGS } from '../src/i18n/messages';
import { ko } from '../src/i18n/ko';
import { format, MESSAGES, translate } from '../src/i18n';
import { DATE_PROBLEM_KEYS } from '../src/lib/validate';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('interface text', () => {
  it('has every key in English and Korean, and no extra ones', () => {
    const enKeys = Object.keys(en).sort();
    for (const lang of LANGS) expect(Object.keys(MESSAGES[lang]).sort()).toEqual(enKeys);
    expect(Object.keys(ko).sort()).toEqual(enKeys);
  });

  it('has no empty text', () => {
    for (const lang of LANGS) {
      for (const [k, v] of Object.entries(MESSAGES[lang])) expect(v.trim(), `${lang} ${k}`).not.toBe('');
    }
  });

  it('uses the same placeholders in both languages', () => {
    for (const k of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(ko[k]), k).toEqual(placeholders(en[k]));
    }
  });

  it('is actually translated: Korean text differs from English except for names (of the app, languages, SHA-256)', () => {
    const same = (Object.keys(en) as (keyof typeof en)[]).filter((k) => en[k] === ko[k]);
    expect(same.sort()).toEqual(['app.name', 'evidence.col_sha', 'lang.en', 'lang.ko']);
  });

  it('covers every key the source code uses', () => {
    // Every literal t('…') / key: '…' in src must exist; catches typos the type checker cannot see
    // in keys built as template strings.
    const used = new Set<string>();
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.tsx?$/.test(name) && !p.includes('i18n')) {
          const text = readFileSync(p, 'utf8');
          for (const m of text.matchAll(/\bt\(\s*'([a-z_]+\.[a-z0-9_]+)'/g)) used.add(m[1]);
          for (const m of text.matchAll(/key: '([a-z_]+\.[a-z0-9_]+)'/g)) used.add(m[1]);
        }
      }
    };
    walk(fileURLToPath(new URL('../src', import.meta.url)));
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used].filter((k) => !(k in en));
    expect(missing).toEqual([]);
  });

  it('has a message for every date problem and every error code of the API', () => {
    for (const k of Object.values(DATE_PROBLEM_KEYS)) expect(en[k]).toBeTruthy();
    for (const code of ['invalid_argument', 'unauthenticated', 'permission_denied', 'not_found', 'conflict', 'too_large',
      'unsupported_media_type', 'too_many_requests', 'internal', 'network']) {
      expect(`err.${code}` in en, code).toBe(true);
    }
    for (const role of ['administrator', 'case_officer', 'documenter', 'analyst', 'viewer']) expect(`role.${role}` in en).toBe(true);
  });
});

describe('format and translate', () => {
  it('fills placeholders and leaves unknown ones', () => {
    expect(format('{a} and {b}', { a: 1 })).toBe('1 and {b}');
    expect(translate('ko', 'common.showing', { from: 1, to: 25, total: 40 })).toBe('전체 40건 중 1–25');
    expect(translate('en', 'common.showing', { from: 1, to: 25, total: 40 })).toBe('Showing 1–25 of 40');
  });
  it('returns an unknown key as itself', () => {
    expect(translate('en', 'err.brand_new_code' as never)).toBe('err.brand_new_code');
  });
});
