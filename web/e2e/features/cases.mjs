// Browser scenario of urgent cases and urgent-action alerts (docs/cases.md), run by web/e2e/run.mjs
// after the core scenario against the same server:
//   a case officer creates the persons of a case through the person form, opens a case, moves it
//   through verified > detained in China (a server refusal shown with its reason on the way),
//   records an intervention on the UN-mechanism track and updates it, sees it on the timeline;
//   composes an alert (English and Korean texts, pseudonyms by default, one name released with
//   consent), registers a webhook receiver started here on 127.0.0.1 as a subscriber; an
//   administrator approves; the receiver gets exactly one POST with a valid HMAC-SHA256 signature
//   and the alert page shows the delivery with its attempt; the case page in Korean; a viewer sees
//   only pseudonyms of the restricted person and no edit buttons.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';

const RESTRICTED_NAME = '한정민';
const OTHER_NAME = 'Pak Myong-hui';
const SOURCE_TITLE = 'UNHCR urges China not to return the Shenyang detainees (e2e)';
const CASE_TITLE = 'Family detained in Shenyang (e2e)';
const SECRET = 'e2e-webhook-secret-0123456789';

// A webhook receiver on loopback that keeps every request as received.
function startReceiver(port) {
  const requests = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, requests })));
}

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function isoDay(offsetDays) {
  return new Date(Date.now() + offsetDays * 86400000).toISOString().slice(0, 10);
}

export default async function cases(t) {
  const page = t.page();
  const { base, check, assert, expectText, expectValue, expectVisible, shot, heading, mainEl } = t;
  const env = { DOSSIER_KEY_FILE: t.keyFile };
  const state = {};
  const sourceBox = () => page.getByRole('checkbox', { name: new RegExp(esc(SOURCE_TITLE)) });
  const receiver = await startReceiver(await t.freePort());
  const hookUrl = `http://127.0.0.1:${receiver.server.address().port}/hook`;

  try {
    await check('a source and an incident are added with the command line', async () => {
      state.sourceId = t.run(t.dossier, ['source', 'add', '--db', t.db, '--kind', 'news_article', '--title', SOURCE_TITLE,
        '--date', '2012-02', '--reliability', 'high', '--publisher', 'UNHCR'], env).trim();
      state.incidentId = t.run(t.dossier, ['incident', 'add', '--db', t.db, '--type', 'arrest', '--title',
        'Arrest of escapees in Shenyang (e2e)', '--start', '2012-02-08', '--place', 'cn-ln-shenyang', '--source', state.sourceId], env).trim();
      assert(state.sourceId && state.incidentId, 'no ids printed');
    });

    await check('a case officer creates the persons of the case through the person form, one of them restricted', async () => {
      await t.signIn('officer');
      for (const [name, restricted] of [[RESTRICTED_NAME, true], [OTHER_NAME, false]]) {
        await page.goto(base + '/persons/new');
        await page.getByLabel('Name as written').fill(name);
        if (restricted) await page.getByRole('radio', { name: 'Restricted' }).check();
        await sourceBox().check();
        await page.getByRole('button', { name: 'Save' }).click();
        const id = await t.waitForRecordUrl('persons');
        await expectText(heading(), name);
        if (restricted) {
          state.restrictedId = id;
          state.pseudonym = (await mainEl().innerText()).match(/P-[A-Z0-9]{4}-[A-Z0-9]{4}/)[0];
        } else {
          state.otherId = id;
        }
      }
    });

    await check('the Cases entry of the menu lists cases; the new-case form checks its fields before saving', async () => {
      await page.goto(base + '/');
      await page.getByRole('link', { name: 'Cases', exact: true }).click();
      await expectText(heading(), 'Urgent cases');
      await page.getByRole('link', { name: 'Open a case' }).click();
      await expectText(heading(), 'Open an urgent case');
      await expectValue(page.locator('#f-officer'), 'officer');
      await page.getByRole('button', { name: 'Save' }).click();
      await expectText(page.locator('#f-title-error'), 'This is required.');
      await expectText(page.locator('#f-opened-error'), 'This is required.');
      await expectText(page.getByRole('alert').first(), /Please correct the highlighted fields/);
      assert(page.url().endsWith('/cases/new'), 'submitted despite errors');
      await shot('01-case-form-errors');
    });

    await check('open a case with two persons found by name, the incident, the source and a deadline', async () => {
      await page.locator('#f-title').fill(CASE_TITLE);
      await page.locator('#f-person_ids-0-').fill(RESTRICTED_NAME);
      await page.getByRole('button', { name: 'Find', exact: true }).click();
      await page.getByRole('button', { name: `Choose ${RESTRICTED_NAME}` }).click();
      await page.getByRole('button', { name: 'Add a person' }).click();
      await page.locator('#f-person_ids-1-').fill(OTHER_NAME);
      await page.getByRole('button', { name: 'Find', exact: true }).click();
      await page.getByRole('button', { name: `Choose ${OTHER_NAME}` }).click();
      await expectText(mainEl(), new RegExp(`Chosen: ${OTHER_NAME}`));
      await page.locator('#f-risk').selectOption('critical');
      await page.locator('#f-opened').fill('2012-02-08');
      await page.locator('#f-next_deadline').fill('2012-03-15');
      await page.getByRole('button', { name: 'Link an incident' }).click();
      await page.locator('#f-incident_ids-0-').selectOption(state.incidentId);
      await sourceBox().check();
      await page.locator('#f-notes').fill('Held with her son; relatives in Seoul informed.');
      await shot('02-case-form');
      await page.getByRole('button', { name: 'Save' }).click();
      state.caseId = await t.waitForRecordUrl('cases');
      await expectText(heading(), CASE_TITLE);
    });

    await check('the case page shows persons, status with allowed next steps, risk, officer, incident, source and the passed deadline', async () => {
      const main = mainEl();
      await expectText(main, /Reported/);
      await expectText(main, /Allowed next steps\s+Verified, Closed/);
      await expectText(main, /Critical/);
      await expectText(main, new RegExp(RESTRICTED_NAME));
      await expectText(main, new RegExp(OTHER_NAME));
      await expectVisible(page.getByRole('link', { name: 'Arrest of escapees in Shenyang (e2e)' }));
      await expectVisible(page.getByRole('link', { name: SOURCE_TITLE }).first());
      await expectText(page.locator('.case-overdue-summary'), /The case deadline 2012-03-15 has passed/);
      await expectText(main, /2012-03-15 \(deadline passed\)/);
    });

    await check('change of status offers only the allowed steps: reported > verified', async () => {
      await page.getByRole('link', { name: 'Change status' }).click();
      await expectText(heading(), /Change the status of/);
      await page.locator('#f-to option', { hasText: 'Verified' }).waitFor({ state: 'attached' });
      const options = await page.locator('#f-to option').allInnerTexts();
      assert(JSON.stringify(options.slice(1)) === JSON.stringify(['Verified', 'Closed']), `offered: ${options}`);
      await page.locator('#f-to').selectOption('verified');
      await page.locator('#f-date').fill('2012-02-10');
      await sourceBox().check();
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(new RegExp(`/cases/${state.caseId}$`));
      await expectText(page.locator('.record-meta'), /Verified/);
    });

    await check('verified > detained in China; a date before the previous change is refused with the server’s reason', async () => {
      await page.getByRole('link', { name: 'Change status' }).click();
      await expectText(heading(), /Change the status of/);
      // The form's options come from the case as loaded now: wait for them before reading.
      await page.locator('#f-to option', { hasText: 'Detained in China' }).waitFor({ state: 'attached' });
      const options = await page.locator('#f-to option').allInnerTexts();
      assert(options.includes('Detained in China') && !options.includes('Reported') && !options.includes('Verified'), `offered: ${options}`);
      await page.locator('#f-to').selectOption('detained_in_china');
      await page.locator('#f-date').fill('2012-02-09');
      await page.locator('#f-note').fill('Confirmed by a relative.');
      await sourceBox().check();
      await page.getByRole('button', { name: 'Save' }).click();
      await expectText(page.locator('#f-date-error'), /2012-02-09 is before the previous transition \(2012-02-10\)/);
      assert(page.url().endsWith('/transition'), 'navigated away despite the refusal');
      await shot('03-transition-refused');
      await page.locator('#f-date').fill('2012-02-12');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(new RegExp(`/cases/${state.caseId}$`));
      await expectText(page.locator('.record-meta'), /Detained in China/);
    });

    await check('record an intervention on the UN-mechanism track; it appears on the timeline, its follow-up overdue', async () => {
      await page.getByRole('link', { name: 'Record an intervention' }).click();
      await expectText(heading(), 'Record an intervention');
      await expectValue(page.locator('#f-actor'), 'ngo_self');
      await page.locator('#f-target').selectOption('un_sr_dprk');
      await page.locator('#f-track').selectOption('un_mechanism');
      await page.locator('#f-kind').selectOption('urgent_appeal');
      await page.locator('#f-date').fill('2012-02-20');
      await page.locator('#f-follow_up').fill('2012-03-01');
      await sourceBox().check();
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(new RegExp(`/cases/${state.caseId}$`));
      const items = page.locator('.case-timeline > li');
      await expectText(items.nth(2), /2012-02-20/);
      const texts = await items.allInnerTexts();
      assert(texts.length === 3, `timeline has ${texts.length} entries`);
      assert(/2012-02-10[\s\S]*Reported → Verified/.test(texts[0]), texts[0]);
      assert(/2012-02-12[\s\S]*Verified → Detained in China/.test(texts[1]), texts[1]);
      assert(/Urgent appeal: This organisation → UN Special Rapporteur/.test(texts[2]) && /UN mechanism/.test(texts[2]), texts[2]);
      assert(/follow-up overdue/.test(texts[2]), `follow-up not marked overdue: ${texts[2]}`);
      assert((await page.locator('.case-timeline > li.timeline__item--overdue').count()) === 1, 'overdue entry not highlighted');
      await shot('04-case-timeline');
    });

    await check('updating the intervention with its outcome ends the overdue follow-up', async () => {
      await page.getByRole('link', { name: 'Update this intervention' }).click();
      await expectText(heading(), 'Update an intervention');
      await expectValue(page.locator('#f-follow_up'), '2012-03-01');
      await page.locator('#f-response').fill('Communication sent to the Chinese government.');
      await page.locator('#f-outcome').fill('Raised in the Special Rapporteur’s report.');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(new RegExp(`/cases/${state.caseId}$`));
      await expectText(page.locator('.case-timeline'), /Raised in the Special Rapporteur’s report/);
      assert((await page.locator('.case-timeline > li.timeline__item--overdue').count()) === 0, 'still overdue after the outcome');
    });

    await check('the case list shows status, risk, officer, deadline and the overdue marker, and filters by status', async () => {
      await page.goto(base + '/cases');
      const row = page.locator('table.case-table tbody tr', { hasText: CASE_TITLE });
      await expectText(row, /Detained in China/);
      await expectText(row, /Critical/);
      await expectText(row, /officer/);
      await expectText(row, /2012-03-15/);
      await expectText(row, /Overdue/);
      await shot('05-case-list');
      await page.locator('#f-filter-status').selectOption('released');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL(/status=released/);
      await expectText(mainEl(), 'No case matches.');
      await page.locator('#f-filter-status').selectOption('detained_in_china');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL(/status=detained_in_china/);
      await expectVisible(page.getByRole('link', { name: CASE_TITLE }));
    });

    await check('the overview shows the open urgent case and what is overdue', async () => {
      await page.goto(base + '/');
      const panel = page.locator('.dashboard__cases');
      await expectText(panel, /Urgent cases/);
      await expectText(panel, new RegExp(esc(CASE_TITLE)));
      await expectText(panel, /The case deadline 2012-03-15 has passed/);
      await shot('06-dashboard-cases');
    });

    await check('a case officer registers the webhook receiver as a subscriber', async () => {
      await page.getByRole('link', { name: 'Alerts', exact: true }).click();
      await expectText(heading(), 'Urgent-action alerts');
      await page.getByRole('link', { name: 'Subscribers' }).click();
      await page.getByRole('link', { name: 'Add a subscriber' }).click();
      await page.locator('#f-name').fill('Partner NGO (e2e)');
      await page.locator('#f-webhook_url').fill(hookUrl);
      await page.getByRole('button', { name: 'Save' }).click();
      await expectText(page.locator('#f-webhook_secret-error'), 'A webhook needs a secret.');
      await page.locator('#f-webhook_secret').fill(SECRET);
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(/\/alerts\/subscribers$/);
      const row = page.locator('table.subscribers tbody tr', { hasText: 'Partner NGO (e2e)' });
      await expectText(row, new RegExp(esc(hookUrl)));
      await expectText(row, /secret stored/);
      await shot('07-subscribers');
    });

    await check('compose an alert from the case: English and Korean texts name the persons by pseudonym', async () => {
      await page.goto(base + `/cases/${encodeURIComponent(state.caseId)}`);
      await page.getByRole('link', { name: 'Compose an alert' }).click();
      await expectText(heading(), /Compose an alert for/);
      await page.getByRole('button', { name: 'Save' }).click();
      await expectText(page.locator('#f-actions-error'), 'Choose at least one action.');
      await page.locator('#f-actions-urge_no_return').check();
      await page.locator('#f-contacts-prc_mfa').check();
      await page.locator('#f-respond_by').fill(isoDay(7));
      await page.getByRole('button', { name: 'Save' }).click();
      state.alertId = await t.waitForRecordUrl('alerts');
      await expectText(page.locator('.record-meta'), /Draft/);
      const en = await page.locator('.alert-preview--en').innerText();
      const ko = await page.locator('.alert-preview--ko').innerText();
      assert(en.includes(state.pseudonym) && ko.includes(state.pseudonym), 'pseudonym missing from the texts');
      assert(!en.includes(RESTRICTED_NAME) && !ko.includes(RESTRICTED_NAME) && !en.includes(OTHER_NAME), 'a name appears without release');
      assert(/[가-힣]/.test(ko), 'the Korean text has no Hangul');
      assert((await page.locator('.alert-preview--ko').getAttribute('lang')) === 'ko', 'Korean preview not marked lang=ko');
      await shot('08-alert-draft');
    });

    await check('a case officer releases one name with the consent recorded; the composer may not approve', async () => {
      await page.locator(`#f-person_ids-${state.restrictedId}`).uncheck();
      await page.locator('#f-consent_by').fill('his sister in Seoul');
      await page.locator('#f-basis').selectOption('family_consent');
      await page.locator('#f-consented_on').fill('2012-02-21');
      await page.getByRole('button', { name: 'Release these names' }).click();
      await expectText(page.locator('.alert-preview--en'), new RegExp(OTHER_NAME));
      const en = await page.locator('.alert-preview--en').innerText();
      assert(en.includes(state.pseudonym) && !en.includes(RESTRICTED_NAME), 'the restricted person lost the pseudonym');
      await expectText(mainEl(), /with the consent of his sister in Seoul/);
      assert((await page.getByRole('button', { name: 'Approve and send' }).count()) === 0, 'the composer was offered approval');
      await expectText(mainEl(), /Another case officer or administrator must approve/);
      await t.signOut();
    });

    await check('an administrator approves; the receiver gets exactly one POST with a valid HMAC-SHA256 signature', async () => {
      await t.signIn('admin');
      await page.goto(base + `/alerts/${encodeURIComponent(state.alertId)}`);
      await page.getByRole('button', { name: 'Approve and send' }).click();
      await expectText(page.locator('.record-meta'), /Approved/);
      const until = Date.now() + 90000;
      while (receiver.requests.length === 0 && Date.now() < until) await page.waitForTimeout(250);
      assert(receiver.requests.length >= 1, 'the receiver got nothing within 90 s');
      await page.waitForTimeout(3000); // a second delivery would arrive now
      assert(receiver.requests.length === 1, `the receiver got ${receiver.requests.length} requests`);
      const r = receiver.requests[0];
      assert(r.method === 'POST' && r.url === '/hook', `${r.method} ${r.url}`);
      const sig = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(r.headers['x-dossier-signature'] ?? '');
      assert(sig, `signature header: ${r.headers['x-dossier-signature']}`);
      assert(r.headers['x-dossier-timestamp'] === sig[1], 'timestamp header differs from the signed one');
      const expected = createHmac('sha256', SECRET).update(`${sig[1]}.${r.body}`).digest('hex');
      assert(expected === sig[2], 'the HMAC-SHA256 signature does not verify');
      const body = JSON.parse(r.body);
      assert(body.type === 'urgent_action' && body.alert.id === state.alertId, `payload: ${r.body.slice(0, 200)}`);
      assert(body.delivery_id === r.headers['x-dossier-delivery'], 'delivery id header differs from the body');
      assert(body.alert.texts.en.body.includes(OTHER_NAME) && !r.body.includes(RESTRICTED_NAME), 'released/withheld names wrong in the payload');
    });

    await check('the alert page shows the delivery per subscriber and channel with its attempt', async () => {
      await page.reload();
      const row = page.locator('table.deliveries tbody tr', { hasText: 'Partner NGO (e2e)' });
      await expectText(row, /Webhook/);
      await expectText(row, /Delivered/, { timeout: 20000 });
      await expectText(row, /answer 200/);
      await expectText(page.locator('.record-meta'), /Approved/);
      await shot('09-alert-delivered');
    });

    await check('the case page in Korean', async () => {
      await page.goto(base + `/cases/${encodeURIComponent(state.caseId)}`);
      await page.getByRole('button', { name: '한국어' }).click();
      await expectVisible(page.getByRole('link', { name: '사례', exact: true }));
      const main = mainEl();
      await expectText(main, /중국에서 구금됨/);
      await expectText(main, /경과/);
      await expectText(main, /유엔 메커니즘/);
      await expectText(main, /긴급 호소/);
      await expectText(main, /허용된 다음 단계/);
      await expectText(main, /이 사례의 긴급 행동 요청/);
      const text = await main.innerText();
      for (const english of ['Timeline', 'Allowed next steps', 'Detained in China', 'Record an intervention', 'Change status']) {
        assert(!text.includes(english), `English left on the Korean page: ${english}`);
      }
      await shot('10-case-ko');
      await page.getByRole('button', { name: 'English' }).click();
      await expectText(main, /Timeline/);
      await t.signOut();
    });

    await check('a viewer sees the restricted person only by pseudonym, on the list, the case and the alert, and no edit buttons', async () => {
      await t.signIn('viewer');
      await page.goto(base + '/cases');
      const list = await expectText(page.locator('table.case-table'), new RegExp(state.pseudonym));
      assert(!list.includes(RESTRICTED_NAME) && !list.includes(CASE_TITLE), `list: ${list}`);
      assert((await page.getByRole('link', { name: 'Open a case' }).count()) === 0, 'viewer offered to open a case');
      await page.goto(base + `/cases/${encodeURIComponent(state.caseId)}`);
      await expectText(heading(), new RegExp(`Case of ${state.pseudonym}`));
      const text = await expectText(mainEl(), /This case names a restricted person/);
      assert(!text.includes(RESTRICTED_NAME) && !text.includes('Held with her son') && !text.includes('Communication sent'), 'restricted details on the case page');
      for (const name of ['Edit', 'Change status', 'Record an intervention', 'Update this intervention', 'Compose an alert']) {
        assert((await page.getByRole('link', { name, exact: true }).count()) === 0, `viewer offered ${name}`);
      }
      await shot('11-viewer-case');
      await page.goto(base + `/alerts/${encodeURIComponent(state.alertId)}`);
      const alertText = await expectText(page.locator('.alert-preview--en'), new RegExp(state.pseudonym));
      assert(!alertText.includes(RESTRICTED_NAME), 'restricted name in the alert for a viewer');
      assert(!(await mainEl().innerText()).includes(RESTRICTED_NAME), 'restricted name on the alert page');
      assert((await page.getByRole('button', { name: 'Approve and send' }).count()) === 0, 'viewer offered approval');
      assert((await page.locator('table.deliveries').count()) === 0, 'viewer shown deliveries');
      await t.signOut();
    });
  } finally {
    await new Promise((r) => receiver.server.close(r));
  }
}
