// Interface text for the evidence vault, ingestion and source text search, in English and Korean.
// Keys start with "evidence." so they never collide with another feature's.
import { ingestEn, ingestKo } from './ingestMessages';
import { vaultEn, vaultKo } from './vaultMessages';

export const en = { ...vaultEn, ...ingestEn } as const;

export const ko: Record<keyof typeof en, string> = { ...vaultKo, ...ingestKo };
