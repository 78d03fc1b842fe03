#!/usr/bin/env node
// Browser end-to-end tests of the web application against the real server.
//
//   node web/e2e/run.mjs --dossier build/dev/src/cli/dossier [--web-root web/dist] [--out DIR] [--keep]
//                        [--only core|FEATURE]
//
// Creates a temporary SQLite database and key file (`dossier init`), adds one user per role
// (`dossier user add`), starts `dossier serve` on a free loopback port, and drives Debian's
// headless Chromium through playwright-core: sign in, create records through the forms, search,
// edit, read the history, switch language, and check what a viewer sees of a restricted person.
// Screenshots of the main pages go to DIR (default build/web-e2e/web-screenshots).
// After the core scenario below, every feature's scenario in web/e2e/features/*.mjs runs in the
// same browser against the same server: each exports `default async function (t)` taking the
// toolkit built in featureToolkit(), and starts signed out and in English. `--only` runs just
// the core or one feature.
// Prints "N passed, N failed" and exits non-zero when any check failed.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');

// ------------------------------------------------------------------------------------ arguments

function parseArgs(argv) {
  const out = { dossier: process.env.DOSSIER_BIN ?? '', webRoot: join(repo, 'web', 'dist'), out: join(repo, 'build', 'web-e2e', 'web-screenshots'), keep: false, chromium: '/usr/bin/chromium', only: '' };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--dossier') out.dossier = resolve(next());
    else if (a === '--web-root') out.webRoot = resolve(next());
    else if (a === '--out') out.out = resolve(next());
    else if (a === '--chromium') out.chromium = next();
    else if (a === '--keep') out.keep = true;
    else if (a === '--only') out.only = next();
    else throw new Error(`unknown argument ${a}`);
  }
  if (!out.dossier) throw new Error('--dossier PATH (the dossier binary) is required');
  return out;
}

const args = parseArgs(process.argv);

// ---------------------------------------------------------------------------- server and users

const work = mkdtempSync(join(tmpdir(), 'dossier-web-e2e-'));
const db = join(work, 'dossier.db');
const keyFile = join(work, 'dossier.key');
const serverLog = join(work, 'server.log');
const PASSWORD = 'e2e-Passw0rd-long-enough-2024';
const USERS = [
  ['admin', 'administrator'],
  ['doc', 'documenter'],
  ['officer', 'case_officer'],
  ['analyst', 'analyst'],
  ['viewer', 'viewer'],
];

function run(cmd, cmdArgs, env = {}) {
  const r = spawnSync(cmd, cmdArgs, { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${cmdArgs.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

async function waitForServer(base, child, timeoutMs = 60000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`dossier serve exited with ${child.exitCode}:\n${readFileSync(serverLog, 'utf8')}`);
    try {
      const r = await fetch(`${base}/api/v1/session`);
      if (r.status === 401 || r.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`dossier serve did not answer within ${timeoutMs / 1000} s:\n${readFileSync(serverLog, 'utf8')}`);
}

// ---------------------------------------------------------------------------------- a tiny runner

const results = [];
let page;
let context;
const consoleProblems = [];

async function check(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   - ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    results.push({ name, ok: false, err });
    console.log(`FAIL - ${name}\n       ${String(err?.stack ?? err).split('\n').slice(0, 6).join('\n       ')}`);
    try {
      await page?.screenshot({ path: join(args.out, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true });
    } catch {
      // no page to show
    }
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

// Waits until the locator's text matches (or, with `not`, stops matching).
async function expectText(locator, pattern, { timeout = 10000, not = false } = {}) {
  const until = Date.now() + timeout;
  let last = '';
  while (Date.now() < until) {
    last = (await locator.count()) > 0 ? await locator.first().innerText().catch(() => '') : '';
    const match = pattern instanceof RegExp ? pattern.test(last) : last.includes(pattern);
    if (match !== not) return last;
    await page.waitForTimeout(100);
  }
  throw new Error(`expected ${locator} ${not ? 'not ' : ''}to match ${pattern}; text was: ${JSON.stringify(last.slice(0, 400))}`);
}

// A form field's value, once it equals `expected` (forms fill in after their data loads).
async function expectValue(locator, expected, { timeout = 10000 } = {}) {
  const until = Date.now() + timeout;
  let last = '';
  while (Date.now() < until) {
    last = (await locator.count()) > 0 ? await locator.first().inputValue().catch(() => '') : '';
    if (last === expected) return last;
    await page.waitForTimeout(100);
  }
  throw new Error(`expected ${locator} to have the value ${JSON.stringify(expected)}; it was ${JSON.stringify(last)}`);
}

async function expectVisible(locator, timeout = 10000) {
  await locator.first().waitFor({ state: 'visible', timeout });
}

async function shot(name) {
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.screenshot({ path: join(args.out, `${name}.png`), fullPage: true });
}

const heading = () => page.locator('#main h1');
const mainEl = () => page.locator('#main');

async function signIn(user) {
  await page.goto(base + '/');
  await expectVisible(page.getByRole('heading', { name: /Sign in|로그인/ }));
  await page.getByLabel(/Username|사용자 이름/).fill(user);
  await page.getByLabel(/^(Password|비밀번호)$/).fill(PASSWORD);
  await page.getByRole('button', { name: /^(Sign in|로그인)$/ }).click();
  await expectVisible(page.getByRole('navigation', { name: /Main|주 메뉴/ }));
}

async function signOut() {
  await page.getByRole('button', { name: /Sign out|로그아웃/ }).click();
  await expectVisible(page.getByRole('heading', { name: /Sign in|로그인/ }));
}

// Where the app navigated after a save: /persons/<id>.
async function waitForRecordUrl(collection) {
  await page.waitForURL((url) => new RegExp(`^/${collection}/[^/]+$`).test(url.pathname) && !url.pathname.endsWith('/new'), { timeout: 15000 });
  const id = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]);
  assert(id && id !== 'new', `no record id in ${page.url()}`);
  return id;
}

// ------------------------------------------------------------------------------------------ main

let server;
let base;

async function main() {
  mkdirSync(args.out, { recursive: true });
  for (const f of readdirSync(args.out)) if (f.endsWith('.png')) rmSync(join(args.out, f));
  assert(existsSync(args.dossier), `no dossier binary at ${args.dossier}`);
  if (!existsSync(join(args.webRoot, 'index.html'))) {
    console.log('web/dist is missing: running scripts/build-web');
    run(join(repo, 'scripts', 'build-web'), []);
  }
  assert(existsSync(args.chromium), `no Chromium at ${args.chromium} (install the Debian package "chromium")`);

  run(args.dossier, ['init', '--db', db, '--new-key-file', keyFile]);
  for (const [name, role] of USERS) {
    run(args.dossier, ['user', 'add', name, '--role', role, '--db', db], { DOSSIER_NEW_PASSWORD: PASSWORD, DOSSIER_KEY_FILE: keyFile });
  }
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  writeFileSync(serverLog, '');
  const { openSync } = await import('node:fs');
  const logFd = openSync(serverLog, 'a');
  server = spawn(args.dossier, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--web-root', args.webRoot], {
    env: { ...process.env, DOSSIER_KEY_FILE: keyFile },
    stdio: ['ignore', logFd, logFd],
  });
  await waitForServer(base, server);

  context = await chromium.launchPersistentContext(join(work, 'chromium-profile'), {
    executablePath: args.chromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15000);
  page.on('console', (msg) => {
    const text = msg.text();
    if (/Content Security Policy|Refused to/i.test(text)) consoleProblems.push(`CSP: ${text}`);
    else if (msg.type() === 'error' && !/^Failed to load resource: the server responded with a status of/.test(text)) consoleProblems.push(`console error: ${text}`);
  });
  page.on('pageerror', (err) => consoleProblems.push(`page error: ${err.message}`));

  if (!args.only || args.only === 'core') await scenario();
  const featureDir = join(here, 'features');
  const features = existsSync(featureDir) ? readdirSync(featureDir).filter((f) => f.endsWith('.mjs')).sort() : [];
  for (const f of features) {
    const name = f.replace(/\.mjs$/, '');
    if (args.only && args.only !== name) continue;
    const { default: featureScenario } = await import(join(featureDir, f));
    await startFresh();
    await featureScenario(featureToolkit(name));
  }
}

// Every feature starts as a new visitor would: signed out, in English, whatever the one before left.
async function startFresh() {
  await context.clearCookies();
  await page.goto(base + '/');
  await page.evaluate(() => localStorage.clear());
  await page.goto(base + '/');
  await expectVisible(page.getByRole('heading', { name: 'Sign in' }));
}

// What a feature scenario gets: the runner, the page, the server and the shared assertions.
function featureToolkit(name) {
  return {
    name,
    page: () => page,
    base,
    dossier: args.dossier,
    db,
    keyFile,
    work,
    password: PASSWORD,
    run,
    check: (title, fn) => check(`${name}: ${title}`, fn),
    assert,
    expectText,
    expectValue,
    expectVisible,
    shot: (file) => shot(`${name}-${file}`),
    heading,
    mainEl,
    signIn,
    signOut,
    waitForRecordUrl,
    freePort,
  };
}

const state = {};

async function scenario() {
  await check('the app is served with a strict Content-Security-Policy and falls back to index.html', async () => {
    const res = await page.goto(base + '/persons/some-deep-link');
    assert(res.status() === 200, `status ${res.status()}`);
    const csp = res.headers()['content-security-policy'] ?? '';
    assert(/script-src 'self'/.test(csp) && /style-src 'self'/.test(csp), `CSP header was ${JSON.stringify(csp)}`);
    await expectVisible(page.getByRole('heading', { name: 'Sign in' }));
  });

  await check('a wrong password is refused with a message read out to screen readers', async () => {
    await page.getByLabel('Username').fill('doc');
    await page.getByLabel('Password', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expectText(page.getByRole('alert'), /Sign-in failed/);
    await shot('01-sign-in-error');
  });

  await check('a documenter signs in and sees the overview', async () => {
    await signIn('doc');
    await expectText(heading(), 'Overview');
    await expectText(page.locator('.user-info'), /doc \(documenter\)/);
  });

  await check('keyboard: the first Tab reaches a visible skip link that moves focus to the content', async () => {
    await page.goto(base + '/');
    await expectText(heading(), 'Overview');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => ({ text: document.activeElement?.textContent, cls: document.activeElement?.className }));
    assert(focused.text === 'Skip to main content', `first focus was ${JSON.stringify(focused)}`);
    const box = await page.locator('.skip-link').boundingBox();
    assert(box && box.y >= 0, 'skip link is not on screen when focused');
    await page.keyboard.press('Enter');
    const id = await page.evaluate(() => document.activeElement?.id);
    assert(id === 'main', `focus after the skip link: ${id}`);
  });

  await check('create a source through the form', async () => {
    await page.getByRole('link', { name: 'Sources', exact: true }).click();
    await expectText(heading(), 'Sources');
    await page.getByRole('link', { name: 'New source' }).click();
    await expectText(heading(), 'New source');
    await page.locator('#f-kind').selectOption('testimony');
    await page.locator('#f-title').fill('Testimony T-1 (Tumen, 2019)');
    await page.locator('#f-date').fill('2019-05');
    await page.locator('#f-language').selectOption('ko');
    await page.locator('#f-reliability').selectOption('high');
    await page.locator('#f-text').fill('Witness account of a forced return at Tumen.');
    await page.getByRole('button', { name: 'Save' }).click();
    state.sourceId = await waitForRecordUrl('sources');
    await expectText(heading(), 'Testimony T-1 (Tumen, 2019)');
    await expectText(mainEl(), /Testimony/);
  });

  await check('person form: client-side errors appear next to their fields and in an alert', async () => {
    await page.goto(base + '/persons/new');
    await expectText(heading(), 'New person');
    await page.getByLabel('Name as written').fill('리설주');
    // The script is guessed from the letters typed.
    const script = await page.getByLabel('Script').inputValue();
    assert(script === 'hangul', `script guessed as ${script}`);
    await page.getByLabel('Date of birth').fill('1985-13');
    await page.getByRole('button', { name: 'Save' }).click();
    await expectText(page.locator('#f-birth_date-error'), 'The month must be 01 to 12');
    assert((await page.getByLabel('Date of birth').getAttribute('aria-invalid')) === 'true', 'birth date not marked invalid');
    const described = await page.getByLabel('Date of birth').getAttribute('aria-describedby');
    assert(described?.includes('f-birth_date-error'), `aria-describedby=${described}`);
    await expectText(page.locator('#f-source_ids-error'), 'Cite at least one source.');
    await expectText(page.getByRole('alert').first(), /Please correct the highlighted fields \(2\)/);
    assert(page.url().endsWith('/persons/new'), 'the form was submitted despite errors');
    await shot('05-person-form-errors');
  });

  await check('create a person with a Hangul name, a partial birth date, an origin and a source', async () => {
    await page.getByLabel('Date of birth').fill('1985-03~');
    await page.getByLabel('Sex').selectOption('female');
    await page.getByLabel('Place of origin').selectOption('kp-nh-onsong');
    await page.getByRole('checkbox', { name: /Testimony T-1/ }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    state.personId = await waitForRecordUrl('persons');
    await expectText(heading(), '리설주');
    await expectText(mainEl(), /P-[A-Z0-9]{4}-[A-Z0-9]{4}/);
    await expectText(mainEl(), /1985-03~/);
    await expectText(mainEl(), /Onsong/);
    state.pseudonym = (await mainEl().innerText()).match(/P-[A-Z0-9]{4}-[A-Z0-9]{4}/)[0];
  });

  await check('a server-side validation error is shown next to the field the server names', async () => {
    // A second source is withdrawn by an administrator while the documenter's form is open; the
    // server then rejects the citation, and the form shows why beside the sources.
    const admin = await (await import('playwright-core')).request.newContext({ baseURL: base });
    const login = await admin.post('/api/v1/session', { data: { username: 'admin', password: PASSWORD } });
    assert(login.ok(), `admin sign-in: ${login.status()}`);
    const { csrf_token } = await login.json();
    const created = await admin.post('/api/v1/sources', {
      data: { kind: 'news_article', title: 'Article to be withdrawn', reliability: 'low' },
      headers: { 'X-CSRF-Token': csrf_token },
    });
    assert(created.status() === 201, `create source: ${created.status()} ${await created.text()}`);
    const withdrawn = (await created.json()).id;
    await page.goto(base + '/persons/new');
    await page.getByLabel('Name as written').fill('Kim Chol');
    await page.getByRole('checkbox', { name: /Article to be withdrawn/ }).check();
    const del = await admin.delete(`/api/v1/sources/${encodeURIComponent(withdrawn)}`, { headers: { 'X-CSRF-Token': csrf_token } });
    assert(del.status() === 204, `delete source: ${del.status()} ${await del.text()}`);
    await admin.dispose();
    await page.getByRole('button', { name: 'Save' }).click();
    await expectText(page.locator('#f-source_ids-error'), /does not exist/);
    assert(page.url().endsWith('/persons/new'), 'navigated away despite the error');
  });

  await check('create an incident', async () => {
    await page.goto(base + '/incidents/new');
    await expectText(heading(), 'New incident');
    await page.getByLabel('Type of incident').selectOption('forced_return');
    await page.locator('#f-title').fill('Forced return at Tumen bridge');
    await page.getByLabel('Start date').fill('2019-03');
    await page.locator('#f-place').selectOption('cn-jl-tumen');
    await page.getByRole('checkbox', { name: /Ministry of Public Security/ }).first().check();
    await page.getByRole('checkbox', { name: /Testimony T-1/ }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    state.incidentId = await waitForRecordUrl('incidents');
    await expectText(heading(), 'Forced return at Tumen bridge');
    await expectText(mainEl(), /Tumen/);
  });

  await check('record the person as a victim of the incident (an act), found by name', async () => {
    await page.getByRole('link', { name: 'Add a victim' }).click();
    await expectText(heading(), 'Record a victim in an incident');
    await expectValue(page.locator('#f-incident_id'), state.incidentId);
    await page.locator('#f-victim_id').fill('리설주');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.getByRole('button', { name: 'Choose 리설주' }).click();
    await expectText(mainEl(), /Chosen: 리설주/);
    await page.getByRole('checkbox', { name: 'Refoulement', exact: true }).check();
    await page.getByRole('checkbox', { name: /Testimony T-1/ }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    state.actId = await waitForRecordUrl('acts');
    await page.goto(base + `/incidents/${encodeURIComponent(state.incidentId)}`);
    await expectText(page.locator('#incident-victims').locator('..'), /리설주/);
    await shot('08-incident-detail');
  });

  await check('the person page shows the incident on a timeline with its sources', async () => {
    await page.goto(base + `/persons/${encodeURIComponent(state.personId)}`);
    const timeline = page.locator('.timeline');
    await expectText(timeline, /2019-03/);
    await expectText(timeline, /Forced return at Tumen bridge/);
    await expectText(timeline, /Refoulement/);
    await expectText(timeline, /Testimony T-1/);
    await shot('07-person-detail');
  });

  await check('the global search finds the Hangul-named person by a romanised name', async () => {
    await page.goto(base + '/');
    await page.getByRole('searchbox', { name: 'Search names' }).fill('Ri Sol Ju');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\?q=/);
    await expectText(heading(), /Persons matching “Ri Sol Ju”/);
    const result = page.locator('.search-results').getByRole('link', { name: '리설주' });
    await expectVisible(result);
    await shot('09-search');
    await result.click();
    await expectText(heading(), '리설주');
  });

  await check('lists: persons, and incidents filtered by type and year', async () => {
    await page.getByRole('link', { name: 'Persons', exact: true }).click();
    await expectText(heading(), 'Persons');
    await expectVisible(page.getByRole('link', { name: '리설주' }));
    await shot('06-persons-list');
    await page.getByRole('link', { name: 'Incidents', exact: true }).click();
    await page.getByLabel('Type of incident').selectOption('forced_return');
    await page.getByLabel('From year').fill('2019');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/type=forced_return/);
    await expectVisible(page.getByRole('link', { name: 'Forced return at Tumen bridge' }));
    await expectText(page.locator('.pagination__status'), 'Showing 1–1 of 1');
    await shot('10-incidents-list');
    await page.getByLabel('To year').fill('2018');
    await page.getByLabel('From year').fill('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/year_to=2018/);
    await expectText(mainEl(), 'No records match.');
  });

  await check('edit the person; the history shows the field-level change', async () => {
    await page.goto(base + `/persons/${encodeURIComponent(state.personId)}`);
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await expectText(heading(), /Edit person 리설주/);
    await page.getByRole('button', { name: 'Add a name' }).click();
    await page.locator('#f-names-1--value').fill('Ri Sol-ju');
    await page.locator('#f-names-1--kind').selectOption('transliteration');
    await page.getByLabel('Date of birth').fill('1985-04');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(new RegExp(`/persons/${state.personId}$`));
    await expectText(mainEl(), /Ri Sol-ju/);
    await expectText(mainEl(), /1985-04/);
    await page.getByRole('link', { name: 'History' }).click();
    await expectText(heading(), /History of person/);
    const row = page.locator('table.changes tr', { has: page.locator('th', { hasText: /^birth_date$/ }) }).first();
    await expectText(row, /1985-03~\s+1985-04/);
    await shot('11-history');
  });

  await check('Korean interface: labels and vocabulary terms switch, and the choice is remembered', async () => {
    await page.goto(base + `/incidents/${encodeURIComponent(state.incidentId)}`);
    await page.getByRole('button', { name: '한국어' }).click();
    await expectVisible(page.getByRole('link', { name: '인물', exact: true }));
    await expectText(mainEl(), /강제송환/);
    assert((await page.evaluate(() => document.documentElement.lang)) === 'ko', 'html lang not ko');
    await page.reload();
    await expectVisible(page.getByRole('link', { name: '사건', exact: true }));
    await expectText(mainEl(), /강제송환/);
    await shot('12-incident-detail-ko');
    await page.goto(base + '/');
    await expectText(heading(), '개요');
    await shot('13-dashboard-ko');
    await page.getByRole('button', { name: 'English' }).click();
    await expectText(heading(), 'Overview');
  });

  await check('the overview counts records, charts incidents and lists recent changes', async () => {
    await page.goto(base + '/');
    await expectText(page.locator('.counts'), /1\s+Persons/);
    await expectText(page.locator('.counts'), /1\s+Incidents/);
    assert((await page.locator('.chart__svg rect').count()) >= 1, 'no bars in the chart');
    await expectText(page.locator('.recent'), /doc/);
    await shot('02-dashboard');
  });

  await check('mark the person restricted', async () => {
    await page.goto(base + `/persons/${encodeURIComponent(state.personId)}/edit`);
    await page.getByRole('radio', { name: 'Restricted' }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(new RegExp(`/persons/${state.personId}$`));
    await expectText(mainEl(), /Restricted/);
    await expectText(heading(), '리설주');
    await signOut();
  });

  await check('a viewer sees the restricted person only as the pseudonym, with a badge', async () => {
    await signIn('viewer');
    await page.goto(base + `/persons/${encodeURIComponent(state.personId)}`);
    await expectText(heading(), state.pseudonym);
    await expectVisible(page.locator('#main h1 .badge--restricted'));
    await expectText(mainEl(), /Your role sees only the pseudonym/);
    const text = await mainEl().innerText();
    assert(!text.includes('리설주') && !text.includes('Ri Sol-ju') && !text.includes('1985'), 'restricted details visible to a viewer');
    assert((await page.getByRole('link', { name: 'Edit', exact: true }).count()) === 0, 'viewer offered Edit');
    assert((await page.getByRole('link', { name: 'History' }).count()) === 0, 'viewer offered History');
    await shot('14-viewer-restricted-person');
    // Searching the real name finds nothing: a hit would tie the pseudonym to the name.
    await page.goto(base + '/search?q=' + encodeURIComponent('리설주'));
    await expectText(mainEl(), /No person matches “리설주”/);
    assert((await page.locator('.search-results').count()) === 0, 'a viewer found a restricted person by name');
    await page.goto(base + '/persons');
    const list = await page.locator('table.records').innerText();
    assert(list.includes(state.pseudonym) && !list.includes('리설주'), `person list: ${list}`);
    await signOut();
  });

  await check('an analyst sees the history of a restricted person without its changes', async () => {
    await signIn('analyst');
    await page.goto(base + `/persons/${encodeURIComponent(state.personId)}/history`);
    await expectText(mainEl(), /Field-level changes are withheld/);
    assert((await page.locator('table.changes').count()) === 0, 'changes shown to an analyst');
    assert(!(await mainEl().innerText()).includes('1985'), 'birth date leaked through history');
    await signOut();
  });

  await check('no Content-Security-Policy violations or script errors in the browser', async () => {
    assert(consoleProblems.length === 0, consoleProblems.join('\n'));
  });
}

let exitCode = 1;
try {
  await main();
  exitCode = results.every((r) => r.ok) ? 0 : 1;
} catch (err) {
  console.log(`FAIL - setup\n       ${String(err?.stack ?? err)}`);
  results.push({ name: 'setup', ok: false, err });
} finally {
  await context?.close().catch(() => {});
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => {
      const t = setTimeout(() => {
        server.kill('SIGKILL');
        r();
      }, 5000);
      server.on('exit', () => {
        clearTimeout(t);
        r();
      });
    });
  }
  const failed = results.filter((r) => !r.ok).length;
  if (failed > 0 && existsSync(serverLog)) {
    console.log(`--- server log (last lines) ---\n${readFileSync(serverLog, 'utf8').split('\n').slice(-30).join('\n')}`);
  }
  console.log(`screenshots: ${args.out}`);
  if (args.keep) console.log(`kept: ${work}`);
  else rmSync(work, { recursive: true, force: true });
  console.log(`${results.length - failed} passed, ${failed} failed`);
}
process.exit(exitCode);
