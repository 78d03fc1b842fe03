// Ingestion and source text search: a documenter pastes a Korean news report, sees the proposed
// facts highlighted in the text, confirms the date, place, count and what happened, rejects a
// person, and turns the confirmed facts into an incident only by asking for it. A viewer searches
// source texts by one and two Hangul syllables and never sees a restricted testimony.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const articles = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tests', 'evidence', 'articles');

export default async function ingest(t) {
  const page = t.page();
  const env = { DOSSIER_KEY_FILE: t.keyFile };
  const korean = readFileSync(join(articles, 'shenyang_news_ko.txt'), 'utf8');

  await t.check('a restricted testimony and a public report are stored from the command line', async () => {
    t.run(t.dossier, ['source', 'add', '--db', t.db, '--id', 'src-ingest-secret', '--kind', 'testimony', '--title',
      'Interview 31', '--language', 'ko', '--sensitivity', 'restricted', '--text-file', join(articles, 'shenyang_news_ko.txt')], env);
    const out = t.run(t.dossier, ['ingest', '--db', t.db, join(articles, 'shenyang_statement_en.html'), '--kind', 'ngo-report'], env);
    t.assert(/Stored source src-/.test(out), `dossier ingest said: ${out}`);
    t.assert(/2012-02-20/.test(out), 'the statement\'s "on Monday" was not resolved against its date');
  });

  await t.check('a documenter pastes a Korean report and sees the proposed facts in the text', async () => {
    await t.signIn('doc');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Ingest article' }).click();
    await t.expectText(t.heading(), 'Ingest an article or report');
    await page.getByLabel('Text of the article or report').fill(korean);
    await page.getByLabel('Publication date').fill('2012-02-20');
    await page.getByLabel('Title (default: the HTML title or the first line)').fill('선양 체포 보도 (e2e)');
    await page.getByRole('button', { name: 'Store and propose facts' }).click();
    await t.expectText(t.heading(), 'Proposed facts: 선양 체포 보도 (e2e)');
    const text = page.getByRole('region', { name: 'Text, with the proposed facts highlighted' });
    await t.expectVisible(text.locator('mark.ingest-mark--place', { hasText: '선양' }));
    await t.expectVisible(text.locator('mark.ingest-mark--date', { hasText: '지난 8일' }));
    await t.expectVisible(text.locator('mark.ingest-mark--count', { hasText: '30여 명' }));
    const table = page.getByRole('region', { name: 'Proposed facts' }).getByRole('table');
    await t.expectText(table.getByRole('row').filter({ hasText: '지난 8일' }), '2012-02-08');
    await t.expectText(table.getByRole('row').filter({ hasText: '지난주' }), '2012-02-13 – 2012-02-19');
    await t.expectText(table.getByRole('row').filter({ hasText: '30여 명' }), 'more than 30');
    await t.shot('01-proposed');
  });

  await t.check('confirming facts records the decision and fills the incident draft; rejecting leaves it out', async () => {
    const decide = async (name) => {
      await page.getByRole('button', { name }).first().click();
      await t.expectText(page.getByRole('status').filter({ hasText: /Confirmed by doc|Rejected by doc/ }), /by doc/);
    };
    await decide(/^Confirm Date “지난 8일”/);
    await decide(/^Confirm Place “선양”/);
    await decide(/^Confirm Number of people “30여 명”/);
    await decide(/^Confirm What happened “체포”/);
    await decide(/^Reject Person named “김영철”/);
    const row = page.getByRole('row').filter({ hasText: '김영철' });
    await t.expectText(row, 'Rejected by doc');
    const draft = page.getByRole('region', { name: 'Incident draft from the confirmed facts' });
    await t.expectText(draft.locator('[data-draft="type"]'), 'Arrest');
    await t.expectText(draft.locator('[data-draft="start"]'), '2012-02-08');
    await t.expectText(draft.locator('[data-draft="place"]'), 'Shenyang');
    await t.expectText(draft.locator('[data-draft="count"]'), '30');
    await t.shot('02-decided');
  });

  await t.check('no incident exists until the documenter asks for one, which then opens in the incident form', async () => {
    const before = t.run(t.dossier, ['incident', 'list', '--db', t.db], env);
    t.assert(!/cn-ln-shenyang/.test(before), `an incident was created without being asked for:\n${before}`);
    await page.getByRole('button', { name: 'Create the incident from this draft and open it' }).click();
    await page.waitForURL(/\/incidents\/inc-[^/]+\/edit$/);
    await t.expectValue(page.getByLabel(/^Start/), '2012-02-08');
    const after = t.run(t.dossier, ['incident', 'list', '--db', t.db], env);
    t.assert(/arrest/i.test(after) && /2012-02-08/.test(after), `the incident was not created:\n${after}`);
  });

  await t.check('a viewer finds sources by one and two Hangul syllables but not the restricted testimony', async () => {
    await t.signOut();
    await t.signIn('viewer');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Search source texts' }).click();
    await t.expectText(t.heading(), 'Search source texts');
    const search = async (q) => {
      await page.getByLabel('Words to find').fill(q);
      await t.mainEl().getByRole('button', { name: 'Search', exact: true }).click();
    };
    await search('선양');
    await t.expectText(page.getByRole('status').filter({ hasText: /sources? found|No source/ }), 'One source found');
    await t.expectVisible(page.getByRole('link', { name: '선양 체포 보도 (e2e)' }));
    t.assert(await page.getByRole('link', { name: 'Interview 31' }).count() === 0, 'the viewer sees the restricted testimony');
    await search('송');
    await t.expectText(page.getByRole('status').filter({ hasText: /sources? found|No source/ }), 'One source found');
    // Other scenarios' sources may also name Shenyang: what matters is which of these two are found.
    await search('Shenyang');
    await t.expectText(page.getByRole('status').filter({ hasText: /sources? found|No source/ }), /found/);
    await t.expectVisible(page.getByRole('link', { name: /Do not return North Korean refugees/ }));
    t.assert(await page.getByRole('link', { name: 'Interview 31' }).count() === 0, 'the viewer sees the restricted testimony');
    await t.shot('03-search-viewer');
  });

  await t.check('an administrator also finds the restricted testimony', async () => {
    await t.signOut();
    await t.signIn('admin');
    await page.goto(`${t.base}/source-search`);
    await page.getByLabel('Words to find').fill('선양');
    await t.mainEl().getByRole('button', { name: 'Search', exact: true }).click();
    await t.expectText(page.getByRole('status').filter({ hasText: /sources? found|No source/ }), '2 sources found');
    await t.expectVisible(page.getByRole('link', { name: 'Interview 31' }));
    await t.signOut();
  });
}
