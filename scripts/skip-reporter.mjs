// A node:test reporter that writes one JSON line per skipped test or suite ({name, file, reason}), so the test
// runner's closing summary can say what did not run and why (node's own count leaves out skipped suites).
export default async function* skipReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    if (d.skip === undefined || d.skip === false) continue;
    const reason = typeof d.skip === 'string' ? d.skip : 'skipped';
    const kind = d.details?.type === 'suite' ? 'suite' : 'test';
    yield JSON.stringify({ kind, name: d.name, file: d.file ?? '', reason }) + '\n';
  }
}
