// Bundles the CLI for bin/tsinfra: `npm run build` runs tsc (type check, and dist/ file by file), then this.
//
// Why: most of the CLI's startup went to Node resolving, reading and linking small module files (`play --help`
// loaded 132 of dist/ and 453 of node_modules). esbuild bundles src/cli/main.ts with its packages into dist/bundle/: the entry tsinfra.js, one file
// per command (main.ts imports each command's module only when that command runs) and shared chunks, so a command
// loads a handful of files and only the code it uses.
//
// ssh2 stays external (Node loads it from node_modules as before): it loads its native crypto binding, and the
// optional cpu-features, by paths relative to its own files.
//
// tsc's file-by-file dist/ stays: the lab starts dist/lab/**/*-main.js as separate processes and finds them (and the
// checkout root) from its own import.meta.url. In the bundle, every import.meta.url is rewritten to the URL the file
// has in that dist/ tree, so those paths come out as before.
import { build } from 'esbuild';
import { readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');
const OUTDIR = join(DIST, 'bundle'); // every output file lands here (no subdirectories): see importMetaUrlAsInDist

/** `import.meta.url` in src/a/b.ts becomes the URL of dist/a/b.js, computed from the output file's own URL. */
const importMetaUrlAsInDist = {
  name: 'import-meta-url-as-in-dist',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (!args.path.startsWith(SRC + '/')) return undefined;
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const inDist = join(DIST, relative(SRC, args.path)).replace(/\.ts$/, '.js');
      const url = `new URL(${JSON.stringify(relative(OUTDIR, inDist))}, import.meta.url).href`;
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

const result = await build({
  absWorkingDir: ROOT,
  entryPoints: { tsinfra: 'src/cli/main.ts' },
  outdir: OUTDIR,
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['ssh2', 'cpu-features'],
  // Bundled CommonJS packages require() Node's built-ins; an ES module has no require of its own.
  banner: { js: "import { createRequire as __tsinfraCreateRequire } from 'node:module';\nconst require = __tsinfraCreateRequire(import.meta.url);" },
  sourcemap: true,
  // Less text for V8 to parse at every start; names stay, so stack traces still read.
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [importMetaUrlAsInDist],
});

// Chunk names carry a content hash: remove the previous builds' chunks (after the new ones are written, so a CLI
// already running keeps working).
const written = new Set(Object.keys(result.metafile.outputs).map((f) => basename(f)));
for (const name of await readdir(OUTDIR)) if (!written.has(name)) await rm(join(OUTDIR, name), { force: true });
