/**
 * Trajectory files must open in other Arrow implementations as they are. This test runs every
 * external reader it can find and skips, saying how to enable it, for those it cannot:
 * - Polars (Rust): npm `nodejs-polars` (with its platform binary);
 * - DuckDB (C++ Arrow IPC decoder compiled to wasm): npm `@duckdb/duckdb-wasm`;
 * - pyarrow, Python polars and Python duckdb, when `python3` can import them.
 * The npm packages are not dependencies of rlef; they are looked up in the repository and in the
 * directory named by RLEF_EXTERNAL_READERS_DIR (e.g. one where
 * `npm i -E nodejs-polars@0.25.2 nodejs-polars-linux-x64-gnu@0.25.2 @duckdb/duckdb-wasm@1.32.0` ran).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { TrajectoryWriter } from '../../../src/store/trajectory-writer.ts';
import { sealStream } from '../../../src/store/trajectory-decode.ts';
import { TRAJECTORY_COLUMNS } from '../../../src/store/schema.ts';
import type { TurnRow } from '../../../src/store/schema.ts';
import { sampleRow } from './turn-row-arbitrary.ts';

const run = promisify(execFile);

const flushes: TurnRow[][] = [
  [
    sampleRow({ prompt: 'naïve 🙂 中文', code: '', feedback: 'Your code failed …' }),
    sampleRow({ turn: 1, code: null, verdict: 'invalid', feedback: null, tokenIds: new Int32Array(0), refLogprobs: null }),
  ],
  [sampleRow({ episodeId: 'ep-1', prompt: '', split: 'eval', solved: false, reward: -1, createdAt: 0 })],
];
const rows = flushes.flat();

/** The columns every reader reports, normalised to JSON-friendly values. */
interface Projection {
  readonly prompt: string;
  readonly code: string | null;
  readonly verdict: string;
  readonly split: string;
  readonly solved: boolean;
  readonly reward: number;
  readonly token_ids: number[];
  readonly ref_logprobs: number[] | null;
  readonly created_at: number;
}
const expected: Projection[] = rows.map((row) => ({
  prompt: row.prompt,
  code: row.code,
  verdict: row.verdict,
  split: row.split,
  solved: row.solved,
  reward: row.reward,
  token_ids: Array.from(row.tokenIds),
  ref_logprobs: row.refLogprobs === null ? null : Array.from(row.refLogprobs),
  created_at: row.createdAt,
}));
const columnNames = TRAJECTORY_COLUMNS.map((c) => c.name);

/** Writes the sample file twice: closed, and live (flushed but not closed). */
async function writeSamples(dir: string): Promise<{ closed: string; live: string; liveWriter: TrajectoryWriter }> {
  const closed = join(dir, 'closed.arrow');
  const writer = await TrajectoryWriter.open(closed);
  for (const batch of flushes) await writer.write(batch);
  await writer.close();
  const live = join(dir, 'live.arrow');
  const liveWriter = await TrajectoryWriter.open(live);
  for (const batch of flushes) await liveWriter.write(batch);
  return { closed, live, liveWriter };
}

/** Loads `id` from the repository or from RLEF_EXTERNAL_READERS_DIR, with the require that found it. */
function requireFrom(id: string): { module: unknown; require: NodeJS.Require } | undefined {
  const bases = [join(process.cwd(), 'package.json')];
  const extra = process.env['RLEF_EXTERNAL_READERS_DIR'];
  if (extra !== undefined && extra !== '') bases.push(join(extra, 'package.json'));
  for (const base of bases) {
    const require = createRequire(base);
    try {
      return { module: require(id), require };
    } catch {
      // try the next place
    }
  }
  return undefined;
}

interface PolarsFrame {
  readonly columns: string[];
  select(...names: string[]): PolarsFrame;
  toRecords(): Record<string, unknown>[];
}
interface PolarsModule {
  readIPCStream(body: Buffer): PolarsFrame;
}

function polarsProjection(frame: PolarsFrame): Projection[] {
  return frame
    .select('prompt', 'code', 'verdict', 'split', 'solved', 'reward', 'token_ids', 'ref_logprobs', 'created_at')
    .toRecords()
    .map((r) => ({ ...(r as unknown as Projection), created_at: (r['created_at'] as Date).getTime() }));
}

test('Polars (nodejs-polars) reads a closed file and a live file as they are', async (t) => {
  const pl = requireFrom('nodejs-polars')?.module as PolarsModule | undefined;
  if (pl === undefined) {
    t.skip('nodejs-polars not found (install it in a directory named by RLEF_EXTERNAL_READERS_DIR)');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'rlef-ext-'));
  try {
    const { closed, live, liveWriter } = await writeSamples(dir);
    for (const path of [closed, live]) {
      const frame = pl.readIPCStream(await readFile(path));
      assert.deepEqual(frame.columns, columnNames);
      assert.deepEqual(polarsProjection(frame), expected, path);
    }
    await liveWriter.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

interface DuckConnection {
  insertArrowFromIPCStream(buffer: Uint8Array, options: { name: string }): void;
  query(sql: string): { toArray(): { toJSON(): Record<string, unknown> }[] };
  close(): void;
}
interface DuckModule {
  createDuckDB(
    bundles: Record<string, { mainModule: string; mainWorker: string }>,
    logger: unknown,
    runtime: unknown,
  ): Promise<{ instantiate(): Promise<unknown>; connect(): DuckConnection; reset(): Promise<unknown> }>;
  VoidLogger: new () => unknown;
  NODE_RUNTIME: unknown;
}

test('DuckDB (duckdb-wasm) reads a closed file as it is, and a live file once sealed', async (t) => {
  const entry = '@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs';
  const found = requireFrom(entry);
  if (found === undefined) {
    t.skip('@duckdb/duckdb-wasm not found (install it in a directory named by RLEF_EXTERNAL_READERS_DIR)');
    return;
  }
  const duckdb = found.module as DuckModule;
  const dist = dirname(found.require.resolve(entry));
  const db = await duckdb.createDuckDB(
    { mvp: { mainModule: join(dist, 'duckdb-mvp.wasm'), mainWorker: join(dist, 'duckdb-node-mvp.worker.cjs') } },
    new duckdb.VoidLogger(),
    duckdb.NODE_RUNTIME,
  );
  await db.instantiate();
  const conn = db.connect();
  // No network here: an extension autoload would hang, so make it fail at once instead.
  conn.query('SET autoinstall_known_extensions = false');
  conn.query('SET autoload_known_extensions = false');
  const dir = await mkdtemp(join(tmpdir(), 'rlef-ext-'));
  try {
    const { closed, live, liveWriter } = await writeSamples(dir);
    // DuckDB's IPC insert waits for the end marker, so a live file is sealed (cut to its
    // complete messages, end marker added) first; the closed file goes in byte for byte.
    conn.insertArrowFromIPCStream(new Uint8Array(await readFile(closed)), { name: 'closed' });
    conn.insertArrowFromIPCStream(sealStream(new Uint8Array(await readFile(live))), { name: 'live' });
    await liveWriter.close();
    for (const table of ['closed', 'live']) {
      const described = conn.query(`DESCRIBE ${table}`).toArray().map((r) => r.toJSON());
      assert.deepEqual(described.map((r) => r['column_name']), columnNames);
      const types = new Map(described.map((r) => [r['column_name'], r['column_type']]));
      assert.equal(types.get('token_ids'), 'INTEGER[]');
      assert.equal(types.get('created_at'), 'TIMESTAMP WITH TIME ZONE');
      // Plain columns only: to_json would make DuckDB try to fetch its json extension.
      const got = conn
        .query(
          `SELECT prompt, code, verdict, split, solved, reward, token_ids, ref_logprobs,
             epoch_ms(created_at)::DOUBLE AS created_at FROM ${table}`,
        )
        .toArray()
        .map((r) => {
          const o = r.toJSON();
          return {
            ...(o as unknown as Projection),
            token_ids: listValues(o['token_ids']) ?? [],
            ref_logprobs: listValues(o['ref_logprobs']),
          };
        });
      assert.deepEqual(got, expected, table);
    }
  } finally {
    conn.close();
    await rm(dir, { recursive: true, force: true });
  }
});

function listValues(value: unknown): number[] | null {
  if (value === null || value === undefined) return null;
  return Array.from((value as { toArray(): ArrayLike<number> }).toArray());
}

const PYTHON_READERS: Record<string, string> = {
  pyarrow: `import pyarrow as pa
t = pa.ipc.open_stream(open(path, 'rb')).read_all()
meta = {k.decode(): v.decode() for k, v in (t.schema.metadata or {}).items()}
t = t.set_column(t.schema.get_field_index('created_at'), 'created_at', t['created_at'].cast(pa.int64()))
out = {'columns': t.column_names, 'meta': meta, 'rows': t.to_pylist()}`,
  polars: `import polars as pl
df = pl.read_ipc_stream(path).with_columns(pl.col('created_at').dt.epoch('ms'))
out = {'columns': df.columns, 'rows': df.to_dicts()}`,
};

test('Python readers (pyarrow, polars), where python3 has them, read a closed file as it is', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-ext-'));
  try {
    const { closed, liveWriter } = await writeSamples(dir);
    await liveWriter.close();
    for (const [module, body] of Object.entries(PYTHON_READERS)) {
      await t.test(`python3 ${module}`, async (st) => {
        const probe = await run('python3', ['-c', `import ${module}`]).then(() => true, () => false);
        if (!probe) {
          st.skip(`python3 cannot import ${module}`);
          return;
        }
        const script = `import json, sys\npath = sys.argv[1]\n${body}\nprint(json.dumps(out))`;
        const { stdout } = await run('python3', ['-c', script, closed]);
        const out = JSON.parse(stdout) as { columns: string[]; meta?: Record<string, string>; rows: Projection[] };
        assert.deepEqual(out.columns, columnNames);
        if (out.meta !== undefined) assert.equal(out.meta['rlef.trajectory.schema_version'], '1');
        assert.deepEqual(
          out.rows.map((r) => Object.fromEntries(Object.keys(expected[0] ?? {}).map((k) => [k, r[k as keyof Projection]]))),
          expected,
        );
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
