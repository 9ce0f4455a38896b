/**
 * Manual check (not a test: no timing or memory asserts in the suite): streams a generated CSV of
 * SIZE_MB megabytes through loadDataset and prints wall time, CPU time and peak RSS (VmHWM).
 *   npx tsx test/unit/data/largeCsvCheck.ts [SIZE_MB=200]
 * Rows: 10 Gaussian floats, a categorical colour (one value quoted with a comma), a size with a
 * gap every 1000 rows (missing: "impute"), and a 3-class label.
 */
import { createWriteStream, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LossLensConfig } from '../../../src/config/types';
import { describeDataset } from '../../../src/data/describe';
import { loadDataset } from '../../../src/data/load';
import { Rng } from '../../../src/rng';

async function writeCsv(file: string, bytes: number): Promise<number> {
  const out = createWriteStream(file);
  const rng = Rng.forRun(1).stream('csv');
  const colours = ['red', 'green', 'blue', '"quoted, colour"'];
  out.write(`${Array.from({ length: 10 }, (_, i) => `f${i}`).join(',')},colour,size,label\n`);
  let written = 0;
  let rows = 0;
  while (written < bytes) {
    let chunk = '';
    for (let i = 0; i < 10000; i++, rows++) {
      const floats = Array.from({ length: 10 }, () => rng.normal().toFixed(6)).join(',');
      chunk += `${floats},${colours[rng.int(4)]},${rows % 1000 === 7 ? '' : 1 + rng.int(5)},${'abc'[rng.int(3)]}\n`;
    }
    written += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return rows;
}

function peakRssMb(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

async function main(): Promise<void> {
  const sizeMb = Number(process.argv[2] ?? 200);
  const dir = mkdtempSync(path.join(tmpdir(), 'losslens-large-'));
  try {
    const file = path.join(dir, 'large.csv');
    const rows = await writeCsv(file, sizeMb * 1e6);
    const before = peakRssMb();
    const config = { seed: 0, data: { source: 'large.csv', validationSplit: 0.2, standardize: true, missing: 'impute', shuffle: true, synthetic: { samples: 0, noise: 0 } } } as unknown as LossLensConfig;
    const cpu = process.cpuUsage();
    const start = performance.now();
    const ds = await loadDataset(config, dir);
    const wall = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    console.log(describeDataset(ds));
    console.log(`${sizeMb} MB, ${rows} rows: ${wall.toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} s CPU, peak RSS ${peakRssMb().toFixed(0)} MB (${before.toFixed(0)} MB before loading)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
