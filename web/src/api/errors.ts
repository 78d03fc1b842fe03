// Turning API errors into what a form shows: a message next to the field the server named, or a
// message for the whole form. Pure functions, unit-tested in test/errors.test.ts.

export interface ApiErrorBody {
  code: string;
  message: string;
  field: string | null;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | null;
  readonly retryAfter: number | null;

  constructor(status: number, body: ApiErrorBody, retryAfter: number | null = null) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.field = body.field;
    this.retryAfter = retryAfter;
  }
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'invalid_argument',
  401: 'unauthenticated',
  403: 'permission_denied',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

// Reads an error response body; tolerates bodies that are not the documented shape (a proxy's
// HTML page, an empty body) by falling back to a code derived from the HTTP status.
export function parseErrorBody(status: number, text: string): ApiErrorBody {
  const fallback: ApiErrorBody = { code: CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'unknown'), message: '', field: null };
  if (!text) return fallback;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && 'error' in parsed) {
      const e = (parsed as { error: unknown }).error;
      if (e && typeof e === 'object') {
        const o = e as Record<string, unknown>;
        return {
          code: typeof o.code === 'string' && o.code ? o.code : fallback.code,
          message: typeof o.message === 'string' ? o.message : '',
          field: typeof o.field === 'string' && o.field ? o.field : null,
        };
      }
    }
  } catch {
    // not JSON
  }
  return fallback;
}

// Normalises a field path to the form used by the forms: "names[0].value", "group_size.qualifier".
// Accepts JSON-pointer ("/names/0/value") and dotted-index ("names.0.value") spellings too.
export function normaliseFieldPath(field: string): string {
  let f = field.trim();
  if (f.startsWith('/')) f = f.slice(1).split('/').join('.');
  f = f.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
  return f;
}

// The field an error is about: the server's `field`, else the one named in the message
// ("person 'p-7': field 'sex': ..." → "sex").
export function errorField(err: { field: string | null; message: string }): string | null {
  if (err.field) return normaliseFieldPath(err.field);
  const m = /field '([^']+)'/.exec(err.message);
  return m ? normaliseFieldPath(m[1]) : null;
}

// Strips the "person 'p-7': field 'sex': " prefix so the message reads well next to its field.
export function fieldMessage(message: string): string {
  const m = /field '[^']+':\s*(.*)$/s.exec(message);
  return (m ? m[1] : message).trim();
}

export interface FormErrors {
  fields: Record<string, string>;
  form: string | null;
}

// Maps an error from a save to the errors a form shows. `knownFields` are the field paths the form
// renders; an error about any other field (or none) is shown for the whole form, never lost.
// `describe` gives the localised sentence for an error code.
export function mapApiError(
  err: unknown,
  knownFields: (path: string) => boolean,
  describe: (code: string) => string,
): FormErrors {
  if (err instanceof ApiError) {
    const field = err.code === 'invalid_argument' || err.code === 'conflict' ? errorField(err) : null;
    if (field && knownFields(field)) {
      return { fields: { [field]: fieldMessage(err.message) || describe(err.code) }, form: null };
    }
    const base = describe(err.code);
    return { fields: {}, form: err.message ? `${base} ${err.message}` : base };
  }
  return { fields: {}, form: describe('network') };
}
