// The estimate routes of the server (docs/estimation.md, "Over HTTP"): an estimate is a job that
// is started, polled and possibly stopped; one runs at a time.
import { request } from '../../api/client';

export type Method = 'loglinear' | 'lcmcr';
export type JobStatus = 'running' | 'done' | 'failed' | 'stopped';
export const STRATA = ['year', 'province', 'incident_type', 'sex', 'origin_province'] as const;

export interface EstimateRequest {
  from: 'database' | 'patterns';
  patterns_csv?: string;
  list_by?: 'publisher' | 'source';
  incident_type?: string;
  strata: string[];
  method: Method;
  select?: 'bic' | 'aic';
  seed?: number;
  classes?: number;
  chains?: number;
  burnin?: number;
  samples?: number;
  thin?: number;
}

export interface HistogramBin {
  lo: number;
  hi: number;
  count: number;
}

export interface CautionCode {
  code: string;
  values: Record<string, string>;
}

export interface StratumEstimate {
  stratum: string;
  method: Method;
  lists: number;
  list_names: string[];
  n_observed: number;
  estimate: number | null;
  lower: number | null;
  upper: number | null; // null: no upper limit
  model?: string;
  diagnostics: Record<string, number | null>;
  cautions: string[];
  caution_codes: CautionCode[];
  cells: { lists: string[]; count: number }[];
  small_cells: number;
  histogram?: HistogramBin[];
  not_estimated?: string; // this stratum has no estimate, and why
}

export interface EstimateJob {
  id: string;
  status: JobStatus;
  progress: number;
  started_by: string;
  started: string;
  finished?: string;
  settings: Record<string, unknown>;
  result?: { method: Method; small_cell_threshold: number; strata: StratumEstimate[] };
  error?: { code: string; message: string };
}

export const estimateApi = {
  start: (body: EstimateRequest) => request<EstimateJob>('POST', '/estimates', body),
  get: (id: string) => request<EstimateJob>('GET', `/estimates/${encodeURIComponent(id)}`),
  stop: (id: string) => request<EstimateJob>('DELETE', `/estimates/${encodeURIComponent(id)}`),
};
