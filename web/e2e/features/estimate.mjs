// Multiple systems estimation in the browser: an analyst estimates from three organisations'
// overlapping lists in the database (log-linear, then LCMCR with its posterior chart), then by
// year with interval bars, and reads the page in Korean. The records are created through the API
// as an administrator (three publishers' sources, people on one to three of them, an incident per
// person for the year stratum).

const PATTERNS = [
  // bit i = on the list of publisher i; how many people; year of their incident
  [1, 40, 2019], [2, 35, 2019], [4, 30, 2019], [3, 12, 2019], [5, 10, 2019], [6, 8, 2019], [7, 5, 2019],
  [1, 30, 2020], [2, 28, 2020], [4, 25, 2020], [3, 10, 2020], [5, 9, 2020], [6, 7, 2020], [7, 4, 2020],
];

async function adminApi(t) {
  const r = await fetch(`${t.base}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: t.password }),
  });
  t.assert(r.status === 200, `admin sign-in for the data: ${r.status}`);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await r.json();
  return async (path, body) => {
    const res = await fetch(`${t.base}/api/v1${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  };
}

async function loadLists(t) {
  const post = await adminApi(t);
  const publishers = ['Est NGO A', 'Est NGO B', 'Est NGO C'];
  for (let i = 0; i < 3; i++) {
    await post('/sources', {
      id: `est-src-${i}`, kind: 'ngo_report', title: `List of ${publishers[i]}`, language: 'en', publisher: publishers[i],
      sensitivity: 'internal',
    });
  }
  let n = 0;
  for (const [pattern, count, year] of PATTERNS) {
    for (let c = 0; c < count; c++, n++) {
      const sources = [0, 1, 2].filter((l) => (pattern >> l) & 1).map((l) => `est-src-${l}`);
      await post('/persons', {
        id: `est-per-${n}`, names: [{ value: `Est Person ${n}`, script: 'latin', kind: 'legal' }], sex: n % 2 ? 'female' : 'male',
        sensitivity: 'internal', source_ids: sources,
      });
      await post('/incidents', {
        id: `est-inc-${n}`, type: 'forced_return', title: `Return ${n}`, start: `${year}-0${1 + (n % 9)}`, place: 'cn-jl-tumen',
        perpetrator_orgs: ['prc_mps'], source_ids: [sources[0]],
      });
      await post('/acts', { id: `est-act-${n}`, incident_id: `est-inc-${n}`, victim_id: `est-per-${n}`, violations: ['refoulement'], source_ids: [sources[0]] });
    }
  }
  return n;
}

export default async function (t) {
  const page = t.page();
  let people = 0;

  await t.check('the records of three organisations are in the database', async () => {
    people = await loadLists(t);
    t.assert(people === 253, `created ${people} people`);
  });

  await t.check('an analyst estimates from the linked records with a log-linear model', async () => {
    await t.signIn('analyst');
    await page.getByRole('link', { name: 'Estimates' }).click();
    await t.expectText(t.heading(), 'How many were never documented?');
    await page.getByLabel('Each publishing organisation').check();
    // Only the victims of forced returns: the lists of this scenario, whatever other scenarios stored.
    await page.getByLabel('Only victims of incidents of type').selectOption('forced_return');
    await page.getByLabel(/^Log-linear models/).check();
    await page.getByRole('button', { name: 'Run the estimate' }).click();
    const results = page.getByRole('region', { name: 'Results' });
    await t.expectVisible(results, 30000);
    // Other scenarios' records may share the database: the page must agree with the command line.
    const cli = JSON.parse(t.run(t.dossier, ['estimate', '--db', t.db, '--list-by', 'publisher', '--incident-type', 'forced_return', '--json'],
      { DOSSIER_KEY_FILE: t.keyFile }));
    t.assert(cli.n_observed >= people, `the command line counts ${cli.n_observed} documented`);
    await t.expectText(results.locator('[data-figure="documented"]'), cli.n_observed.toLocaleString('en-GB'));
    const estimate = Number((await results.locator('[data-figure="estimate"]').innerText()).replace(/,/g, ''));
    t.assert(estimate >= people, `estimate ${estimate} below the ${people} documented`);
    await t.expectText(results.locator('[data-figure="interval"]'), /\d+ to [\d,]+/);
    await t.expectText(results, /model \[/);
    await t.expectText(results, /Diagnostics/);
  });

  await t.check('LCMCR shows the posterior distribution as a chart with R-hat and ESS', async () => {
    await page.getByLabel(/^LCMCR/).check();
    await page.getByText('Sampler settings').click();
    await page.getByLabel('Burn-in iterations per chain').fill('2000');
    await page.getByLabel('Draws kept per chain').fill('500');
    await page.getByLabel('Iterations per kept draw').fill('5');
    await page.getByLabel('Chains').fill('2');
    await page.getByRole('button', { name: 'Run the estimate' }).click();
    const chart = page.getByRole('img', { name: 'Posterior distribution of the total' });
    await t.expectVisible(chart, 60000);
    const bars = await chart.locator('rect.series-0').count();
    t.assert(bars >= 5, `only ${bars} histogram bars`);
    const results = page.getByRole('region', { name: 'Results' });
    await t.expectText(results, /posterior median/);
    await t.expectText(results, /R-hat/);
    await t.expectText(results, /Effective number of independent draws/);
    await t.shot('lcmcr');
  });

  await t.check('estimates by year come with interval bars, and small cells are pointed out', async () => {
    await page.getByLabel(/^Log-linear models/).check();
    await page.getByLabel('Year', { exact: true }).check();
    await page.getByRole('button', { name: 'Run the estimate' }).click();
    const chart = page.getByRole('img', { name: 'Estimates by stratum' });
    await t.expectVisible(chart, 30000);
    t.assert((await chart.locator('rect.estimate-chart__bar').count()) === 2, 'two interval bars (2019, 2020)');
    await t.expectText(page.getByRole('region', { name: 'Results' }), /hold fewer than 5 people/);
    await t.shot('strata');
  });

  await t.check('the page reads in Korean, cautions included', async () => {
    await page.getByRole('button', { name: '한국어' }).click();
    await t.expectText(t.heading(), '기록되지 않은 사람은 몇 명일까?');
    await page.getByRole('button', { name: '추정 실행' }).click();
    await t.expectVisible(page.getByRole('img', { name: '층별 추정치' }), 30000);
    await t.expectText(page.getByRole('region', { name: '결과' }), /주의 사항/);
    await t.shot('korean');
    await page.getByRole('button', { name: 'English' }).click();
    await t.signOut();
  });

  await t.check('a documenter sees why the page is not for them', async () => {
    await t.signIn('doc');
    await page.goto(`${t.base}/estimates`);
    await t.expectText(t.mainEl(), 'Administrators, case officers and analysts may run estimates');
    await t.signOut();
  });
}
