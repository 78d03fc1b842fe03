import { describe, expect, it } from 'vitest';
import { ApiError, errorField, fieldMessage, mapApiError, normaliseFieldPath, parseErrorBody } from '../src/api/errors';

const describeCode = (code: string) => `[${code}]`;
const known = (paths: string[]) => (p: string) => paths.includes(p);

describe('parseErrorBody', () => {
  it('reads the documented shape', () => {
    expect(parseErrorBody(400, '{"error":{"code":"invalid_argument","message":"person \'p-1\': field \'sex\': is required","field":"sex"}}'))
      .toEqual({ code: 'invalid_argument', message: "person 'p-1': field 'sex': is required", field: 'sex' });
  });
  it('falls back to the HTTP status for other bodies', () => {
    expect(parseErrorBody(404, '<html>not found</html>')).toEqual({ code: 'not_found', message: '', field: null });
    expect(parseErrorBody(502, '')).toEqual({ code: 'internal', message: '', field: null });
    expect(parseErrorBody(409, '{"error":{"message":"dup"}}')).toEqual({ code: 'conflict', message: 'dup', field: null });
    expect(parseErrorBody(400, '{"error":{"code":"invalid_argument","message":"x","field":""}}').field).toBeNull();
  });
});

describe('field paths', () => {
  it('normalises the spellings a server may use', () => {
    expect(normaliseFieldPath('names[0].value')).toBe('names[0].value');
    expect(normaliseFieldPath('names.0.value')).toBe('names[0].value');
    expect(normaliseFieldPath('/names/1/script')).toBe('names[1].script');
    expect(normaliseFieldPath('links.2')).toBe('links[2]');
    expect(normaliseFieldPath('group_size.qualifier')).toBe('group_size.qualifier');
  });
  it('finds the field in the message when the server gives none', () => {
    expect(errorField({ field: null, message: "person 'p-7': field 'birth_date': 2030 is in the future" })).toBe('birth_date');
    expect(errorField({ field: null, message: 'something else' })).toBeNull();
    expect(errorField({ field: 'names.0.value', message: '' })).toBe('names[0].value');
  });
  it('strips the record prefix from the message', () => {
    expect(fieldMessage("person 'p-7': field 'birth_date': 2030 is in the future")).toBe('2030 is in the future');
    expect(fieldMessage('plain')).toBe('plain');
  });
});

describe('mapApiError', () => {
  it('puts a validation error next to its field when the form shows that field', () => {
    const err = new ApiError(400, { code: 'invalid_argument', message: "person 'p-1': field 'names[0].value': the name is not written in the script 'latin'", field: 'names[0].value' });
    expect(mapApiError(err, known(['names[0].value']), describeCode)).toEqual({
      fields: { 'names[0].value': "the name is not written in the script 'latin'" },
      form: null,
    });
  });
  it('shows an error about a field the form does not show at the top, never dropping it', () => {
    const err = new ApiError(400, { code: 'invalid_argument', message: "unknown field 'colour'", field: 'colour' });
    expect(mapApiError(err, known(['sex']), describeCode)).toEqual({ fields: {}, form: "[invalid_argument] unknown field 'colour'" });
  });
  it('maps a duplicate id to the id field', () => {
    const err = new ApiError(409, { code: 'conflict', message: "person 'p-1' already exists", field: 'id' });
    expect(mapApiError(err, known(['id']), describeCode).fields).toEqual({ id: "person 'p-1' already exists" });
  });
  it('does not pin permission and session errors on a field', () => {
    const err = new ApiError(403, { code: 'permission_denied', message: 'CSRF token missing', field: 'id' });
    expect(mapApiError(err, known(['id']), describeCode)).toEqual({ fields: {}, form: '[permission_denied] CSRF token missing' });
    const gone = new ApiError(401, { code: 'unauthenticated', message: '', field: null });
    expect(mapApiError(gone, known([]), describeCode)).toEqual({ fields: {}, form: '[unauthenticated]' });
  });
  it('describes failures that are not API errors as network problems', () => {
    expect(mapApiError(new TypeError('fetch failed'), known([]), describeCode)).toEqual({ fields: {}, form: '[network]' });
  });
});
