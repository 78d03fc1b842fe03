// Browser scenario of the evidence vault (docs/evidence.md), run by web/e2e/run.mjs after the core
// scenario: a documenter opens a source, uploads a small file from the source's page, sees its
// SHA-256 (the one computed here) in the list, downloads it and gets the same bytes; the chain of
// custody on the server records the upload and the download; a viewer on a restricted source sees
// the file listed without its name and without a download link.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export default async function evidence(t) {
  const page = t.page();
  const env = { DOSSIER_KEY_FILE: t.keyFile };
  const cli = (args) => t.run(t.dossier, [...args, '--db', t.db], env).trim();
  const bytes = Buffer.concat([Buffer.from('%PDF-1.4 detention notice (e2e)\n'), Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251))]);
  const sha = createHash('sha256').update(bytes).digest('hex');

  await t.check('two sources exist, one of them restricted', async () => {
    cli(['source', 'add', '--id', 'src-evidence-open', '--kind', 'ngo_report', '--title', 'Evidence test: NGO report', '--language', 'en']);
    cli(['source', 'add', '--id', 'src-evidence-closed', '--kind', 'testimony', '--title', 'Evidence test: testimony',
      '--language', 'ko', '--sensitivity', 'restricted']);
  });

  await t.check('a documenter uploads a file on the source page and sees its SHA-256', async () => {
    await t.signIn('doc');
    await page.goto(`${t.base}/sources/src-evidence-open`);
    const section = page.getByRole('region', { name: 'Evidence files' });
    await t.expectVisible(section);
    await t.expectText(section, /No file is attached/);
    await section.getByLabel(/^File/).setInputFiles({ name: 'notice.pdf', mimeType: 'application/pdf', buffer: bytes });
    await section.getByLabel('How it was acquired').selectOption('scan');
    await section.getByLabel('When it was acquired').fill('2012-02-21');
    await section.getByLabel('Acquired by').fill('Field worker Kang (e2e)');
    await section.getByRole('button', { name: 'Upload' }).click();
    await t.expectText(section.getByRole('status').last(), `SHA-256: ${sha}`);
    const row = section.getByRole('row').filter({ hasText: 'notice.pdf' });
    await t.expectText(row, sha);
    await t.expectText(row, 'application/pdf');
    await t.shot('01-uploaded');
  });

  await t.check('the download gives back the same bytes and is logged in the chain of custody', async () => {
    const section = page.getByRole('region', { name: 'Evidence files' });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      section.getByRole('link', { name: 'Download notice.pdf' }).click(),
    ]);
    const got = readFileSync(await download.path());
    t.assert(Buffer.compare(got, bytes) === 0, `downloaded ${got.length} bytes, expected the ${bytes.length} uploaded`);
    const custody = cli(['evidence', 'custody', sha]);
    t.assert(/acquire/.test(custody) && /evidence_access/.test(custody), `custody log: ${custody}`);
  });

  await t.check('the source page in Korean labels the section and the upload form', async () => {
    await page.evaluate(() => localStorage.setItem('dossier.lang', 'ko'));
    await page.reload();
    const section = page.getByRole('region', { name: '증거 파일' });
    await t.expectVisible(section);
    await t.expectVisible(section.getByRole('button', { name: '업로드' }));
    await page.evaluate(() => localStorage.setItem('dossier.lang', 'en'));
  });

  await t.check('a viewer sees a restricted source’s file without its name or a download link', async () => {
    const closed = Buffer.from('restricted witness photograph (e2e)');
    const path = `${t.work}/closed.jpg`;
    (await import('node:fs')).writeFileSync(path, closed);
    cli(['evidence', 'add', '--source', 'src-evidence-closed', path, '--method', 'photograph']);
    await t.signOut();
    await t.signIn('viewer');
    await page.goto(`${t.base}/sources/src-evidence-closed`);
    const section = page.getByRole('region', { name: 'Evidence files' });
    await t.expectText(section, createHash('sha256').update(closed).digest('hex'));
    await t.expectText(section, 'Not for your role');
    await t.expectText(section, 'closed.jpg', { not: true });
    t.assert(await section.getByRole('link').count() === 0, 'a viewer got a download link');
    t.assert(await section.getByRole('button', { name: 'Upload' }).count() === 0, 'a viewer got the upload form');
    await t.shot('02-viewer');
    await t.signOut();
  });
}
