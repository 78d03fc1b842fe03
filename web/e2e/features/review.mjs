// Record-linkage review: two records of one woman written in different scripts and romanisations
// and a record of someone else; `dossier link --db` queues the pair; a documenter compares the
// two records side by side with the score field by field, confirms with the keyboard shortcut,
// sees the person as a cluster of two records, takes one out, and undoes that.
export default async function review(t) {
  const page = t.page();
  const env = { DOSSIER_KEY_FILE: t.keyFile };
  const add = (cliArgs) => t.run(t.dossier, [...cliArgs, '--db', t.db], env).trim();
  const idOf = (out) => {
    const m = /([A-Za-z0-9._-]+)\s*$/.exec(out);
    t.assert(m, `no record id in ${JSON.stringify(out)}`);
    return m[1];
  };

  await t.check('two records of one person and one of another are linked from the command line', async () => {
    add(['source', 'add', '--id', 'src-review-ngo', '--kind', 'testimony', '--title', 'Review test: NGO interview', '--language', 'ko']);
    add(['source', 'add', '--id', 'src-review-news', '--kind', 'news_article', '--title', 'Review test: news report', '--language', 'en']);
    idOf(add(['person', 'add', '--id', 'per-review-hangul', '--name', '리순희', '--sex', 'female', '--birth-date', '1985-03-14',
      '--origin', 'kp-nh-onsong', '--source', 'src-review-ngo']));
    idOf(add(['person', 'add', '--id', 'per-review-latin', '--name', 'Lee Soon-hee', '--chinese-name', '李顺姬', '--sex', 'female',
      '--birth-date', '1985-03-14', '--origin', 'kp-nh-onsong', '--source', 'src-review-news']));
    idOf(add(['person', 'add', '--id', 'per-review-other', '--name', '박영철', '--sex', 'male', '--birth-date', '1962-11-02',
      '--origin', 'kp-rg-hyesan', '--source', 'src-review-ngo']));
    const out = add(['link']);
    t.assert(/candidate pairs queued/.test(out), `dossier link said: ${out}`);
  });

  await t.check('a documenter finds the pair in the review queue', async () => {
    await t.signIn('doc');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Review links' }).click();
    await t.expectText(t.heading(), 'Possible duplicates');
    const row = page.getByRole('row').filter({ hasText: '리순희' }).filter({ hasText: 'Lee Soon-hee' });
    await t.expectVisible(row);
    await t.shot('01-queue');
    await row.getByRole('link', { name: /Review pair/ }).click();
    await t.expectText(page.getByRole('heading', { level: 2, name: /same person/ }), 'Are these the same person?');
  });

  await t.check('the pair view shows both records side by side with every script, sources and the score field by field', async () => {
    const a = page.getByRole('region', { name: /Record A/ });
    const b = page.getByRole('region', { name: /Record B/ });
    await t.expectText(a, '리순희');
    await t.expectText(a, 'Review test: NGO interview');
    await t.expectText(b, 'Lee Soon-hee');
    await t.expectText(b, '李顺姬');
    await t.expectText(b, 'Review test: news report');
    await t.expectText(b, '1985-03-14');
    const table = page.getByRole('table', { name: /score field by field/ });
    const family = table.getByRole('row', { name: /Family name/ });
    await t.expectText(family, /same sound|exact|same Hanja/);
    await t.expectVisible(family.getByRole('meter'));
    await t.expectText(table.getByRole('row', { name: /Date of birth/ }), 'exact');
    await t.shot('02-pair');
  });

  await t.check('keyboard shortcuts are off until switched on, then announced on the buttons', async () => {
    const confirm = page.getByRole('button', { name: /Confirm: same person/ });
    t.assert((await confirm.getAttribute('aria-keyshortcuts')) === null, 'shortcut announced while off');
    await page.keyboard.press('c');
    await page.waitForTimeout(300);
    await t.expectVisible(confirm);  // nothing happened
    await page.getByRole('checkbox', { name: 'Use keyboard shortcuts on this page' }).check();
    t.assert((await confirm.getAttribute('aria-keyshortcuts')) === 'c', 'the confirm button does not announce C');
  });

  await t.check('confirming with C merges the pair and moves on to the next pair', async () => {
    await page.locator('#main h1').focus();
    await page.keyboard.press('c');
    await t.expectText(page.getByRole('status').filter({ hasText: 'Confirmed' }), 'The two records are now one person.');
    await t.expectText(page.locator('#main'), /No more pairs|Are these the same person/);
    // The queue may be empty now, and the switch gone with the pair.
    const shortcuts = page.getByRole('checkbox', { name: 'Use keyboard shortcuts on this page' });
    if (await shortcuts.count()) await shortcuts.uncheck();
  });

  await t.check('the person page links to the cluster of two records', async () => {
    await page.goto(`${t.base}/persons/per-review-latin`);
    await t.expectText(t.heading(), 'Lee Soon-hee');
    await page.getByRole('link', { name: 'Cluster (2 records)' }).click();
    await t.expectText(t.heading(), 'Records of Lee Soon-hee');
    const table = page.getByRole('table', { name: 'Cluster (2 records)' });
    await t.expectText(table, '리순희');
    await t.expectText(table, 'Lee Soon-hee');
    await t.shot('03-cluster');
  });

  await t.check('splitting a record out leaves a cluster of one, and undo brings it back', async () => {
    await page.getByRole('button', { name: 'Take out 리순희' }).click();
    await t.expectText(page.getByRole('status').filter({ hasText: 'Taken out' }), 'It is now a person of its own.');
    await t.expectVisible(page.getByRole('table', { name: 'Cluster (1 records)' }));
    await t.expectText(page.locator('#review-undo-hint'), /split \(audit entry \d+\)/);
    await page.getByRole('button', { name: 'Undo the last change' }).click();
    await t.expectText(page.getByRole('status').filter({ hasText: 'Undone' }), 'Undone.');
    await t.expectVisible(page.getByRole('table', { name: 'Cluster (2 records)' }));
    await t.shot('04-undone');
  });

  await t.check('the review pages read in Korean', async () => {
    await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: '한국어' }).click();
    await page.goto(`${t.base}/review?status=confirmed`);
    await t.expectText(t.heading(), '중복 가능성이 있는 기록');
    await t.expectVisible(page.getByRole('link', { name: '확인됨' }));
    await t.shot('05-korean');
  });

  await t.check('an analyst sees the queue but no decision buttons', async () => {
    await t.signOut();
    await t.signIn('analyst');
    await page.goto(`${t.base}/review/pair?status=confirmed&at=0`);
    await t.expectText(page.locator('#main'), '귀하의 역할로는 쌍을 볼 수 있지만 결정할 수는 없습니다.');
    t.assert((await page.getByRole('button', { name: '확인: 같은 사람' }).count()) === 0, 'an analyst was offered Confirm');
    await page.getByRole('group', { name: '언어' }).getByRole('button', { name: 'English' }).click();
    await t.signOut();
  });
}
