// import() of an ES module by URL (a user's hooks file, PFFFT's glue) from code that may run inside the CLI's
// CommonJS bundle: V8 drops the dynamic-import callback of a script compiled from its code cache (Node 20), so an
// import() written there fails. The bundle's loader (code-cache.ts) provides one from a real module instead.
const IMPORT: unique symbol = Symbol.for('audiogen.import');

type Importer = (url: string) => Promise<unknown>;

/** The module at `url` (a file: URL), through the bundle loader's import() when there is one. */
export function importModule(url: string): Promise<unknown> {
  const importer = (globalThis as { [IMPORT]?: Importer })[IMPORT];
  return importer ? importer(url) : import(url);
}

/** Makes importModule go through `importer` (a function of a real ES module). */
export function provideImporter(importer: Importer): void {
  (globalThis as { [IMPORT]?: Importer })[IMPORT] = importer;
}
