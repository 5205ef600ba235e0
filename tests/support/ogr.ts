// GDAL's ogrinfo on a file's bytes: the outside reader GIS users have (Debian's gdal-bin).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Its fields' types, its feature count and its geometry type. */
export function ogrinfo(bytes: Buffer, ext: string, ...options: string[]) {
	const dir = mkdtempSync(path.join(tmpdir(), 'tongan-ogr-'));
	try {
		const file = path.join(dir, `export.${ext}`);
		writeFileSync(file, bytes);
		const out = execFileSync('ogrinfo', ['-ro', '-al', '-so', ...options, file], {
			encoding: 'utf8'
		});
		const fields = new Map(
			[...out.matchAll(/^(.+): (\w+) \(\d+\.\d+\)$/gm)].map((m) => [m[1].trim(), m[2]])
		);
		const count = Number(/^Feature Count: (\d+)$/m.exec(out)?.[1] ?? NaN);
		const geometry = /^Geometry: (.+)$/m.exec(out)?.[1] ?? null;
		return { fields, count, geometry, out };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
