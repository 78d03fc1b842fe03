// Browser scenario of reports and UN submissions (docs/reports.md), run by web/e2e/run.mjs after
// the core scenario against the same server:
//   the demo data is loaded (`dossier demo`, small); a case officer opens Reports from the menu,
//   clicks the Shenyang 2012 example and gets a redacted preview of the communication to the
//   Special Rapporteur with its chronology and map (SVG elements present and of real size), then
//   downloads it as a PDF whose text (pdftotext) names the Special Rapporteur and Liaoning, all
//   in well under five minutes; a statistical report shows the bar chart, the line chart with
//   estimates and the map; the same communication in Korean; a viewer gets no un-redact option.
import { readFileSync } from 'node:fs';

async function svgBox(page, selector) {
  const el = page.locator(selector).first();
  await el.waitFor({ state: 'visible', timeout: 30000 });
  return el.boundingBox();
}

export default async function (t) {
  const page = () => t.page();
  let started = 0;

  await t.check('the demo data is in the database', async () => {
    try {
      t.run(t.dossier, ['demo', '--db', t.db, '--persons', '300', '--seed', '5'], { DOSSIER_KEY_FILE: t.keyFile });
    } catch (err) {
      // Another feature's scenario may have loaded it already; the Shenyang case must be there.
      t.run(t.dossier, ['case', 'show', '--db', t.db, 'case-shenyang2012'], { DOSSIER_KEY_FILE: t.keyFile });
    }
  });

  await t.check('a case officer finds Reports in the main menu', async () => {
    await t.signIn('officer');
    started = Date.now();
    await page().getByRole('navigation', { name: /Main/ }).getByRole('link', { name: 'Reports' }).click();
    await t.expectText(t.heading(), 'Reports and submissions');
    await t.expectVisible(page().getByRole('button', { name: /Shenyang 2012 example/ }));
  });

  await t.check('the Shenyang 2012 example previews a redacted communication with a chronology and a map', async () => {
    await page().getByRole('button', { name: /Shenyang 2012 example/ }).click();
    const preview = page().locator('.report-preview');
    await t.expectVisible(preview, 60000);
    await t.expectText(preview, /Special Rapporteur/);
    await t.expectText(preview, /Liaoning/);
    await t.expectText(preview, /at least 31/);
    await t.expectText(page().locator('.reports-preview__meta'), /Redacted/);
    await t.expectValue(page().getByLabel('Mechanism'), 'sr_dprk');
    await t.expectText(page().locator('.reports-cases__list'), /case-shenyang2012/);
    for (const cls of ['chart--map', 'chart--timeline']) {
      const box = await svgBox(page(), `.report-preview svg.${cls}`);
      t.assert(box && box.width > 200 && box.height > 80, `${cls} has no real size: ${JSON.stringify(box)}`);
    }
    const markers = await page().locator('.report-preview svg.chart--map circle.incident-marker').count();
    t.assert(markers >= 1, 'the map shows no incident');
    const land = await page().locator('.report-preview svg.chart--map polygon.land').count();
    t.assert(land >= 5, `the base map has ${land} outlines`);
    await page().locator('.report-preview svg.chart--map').scrollIntoViewIfNeeded();
    await t.shot('shenyang-preview');
  });

  await t.check('the communication downloads as a PDF whose text names the Special Rapporteur, in under five minutes', async () => {
    const [download] = await Promise.all([
      page().waitForEvent('download', { timeout: 120000 }),
      page().locator('.reports-preview').getByRole('button', { name: 'Download PDF' }).click(),
    ]);
    const path = await download.path();
    const bytes = readFileSync(path);
    t.assert(bytes.subarray(0, 5).toString() === '%PDF-', 'the download is not a PDF');
    t.assert(/dossier-sr_dprk-en\.pdf/.test(download.suggestedFilename()), `file name ${download.suggestedFilename()}`);
    const text = t.run('pdftotext', [path, '-']);
    t.assert(/Special Rapporteur/.test(text) && /Liaoning/.test(text), 'the PDF text lacks the addressee or the province');
    const seconds = (Date.now() - started) / 1000;
    console.log(`       from opening Reports to the PDF: ${seconds.toFixed(1)} s`);
    t.assert(seconds < 300, `took ${seconds} s`);
  });

  await t.check('a statistical report shows the bar chart, the line chart with estimates and the map', async () => {
    await page().getByLabel('Mechanism').selectOption('statistical');
    await page().getByLabel('Place', { exact: true }).selectOption('');
    await page().getByLabel('From year').fill('');
    await page().getByLabel('To year').fill('');
    await page().getByRole('button', { name: 'Preview', exact: true }).click();
    const preview = page().locator('.report-preview');
    await t.expectText(preview, /Forced returns to the DPRK: documented cases and estimates/, { timeout: 60000 });
    for (const cls of ['chart--bar', 'chart--line', 'chart--map']) {
      const box = await svgBox(page(), `.report-preview svg.${cls}`);
      t.assert(box && box.width > 200 && box.height > 100, `${cls} has no real size: ${JSON.stringify(box)}`);
    }
    t.assert((await preview.locator('svg.chart--bar rect.bar').count()) > 3, 'the bar chart has no bars');
    t.assert((await preview.locator('svg.chart--line polyline.documented').count()) === 1, 'no documented line');
    await t.expectText(preview, /fewer than 5|\d/);
    await preview.locator('svg.chart--bar').scrollIntoViewIfNeeded();
    await t.shot('statistical-charts');
    await preview.locator('svg.chart--map').scrollIntoViewIfNeeded();
    await t.shot('statistical-map');
  });

  await t.check('the communication can be written in Korean', async () => {
    await page().getByRole('button', { name: /Shenyang 2012 example/ }).click();
    await t.expectText(page().locator('.report-preview'), /Special Rapporteur/, { timeout: 60000 });
    await page().getByLabel('Language of the document').selectOption('ko');
    await page().getByRole('button', { name: 'Preview', exact: true }).click();
    await t.expectText(page().locator('.report-preview'), /특별보고관/, { timeout: 60000 });
    await t.expectText(page().locator('.report-preview'), /랴오닝성/);
    await t.shot('shenyang-preview-ko');
  });

  await t.check('a viewer can preview redacted reports but is not offered un-redaction', async () => {
    await t.signOut();
    await t.signIn('viewer');
    await page().goto(t.base + '/reports');
    await t.expectText(t.heading(), 'Reports and submissions');
    t.assert((await page().getByText(/Un-redact/).count()) === 0, 'a viewer is offered un-redaction');
    await t.signOut();
  });
}
