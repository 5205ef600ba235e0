// A Kysely dialect for the embedded PGlite host process (pglite-host.mjs). PostgreSQL's SQL
// compiler and adapter, with a driver that sends each compiled query over the IPC channel.
// PGlite is single-connection: the driver hands out one connection at a time, so a
// transaction's statements are never interleaved with another request's.
import type { ChildProcess } from 'node:child_process';
import {
	CompiledQuery,
	PostgresAdapter,
	PostgresIntrospector,
	PostgresQueryCompiler,
	type DatabaseConnection,
	type Dialect,
	type Driver,
	type Kysely,
	type QueryResult
} from 'kysely';

interface Reply {
	id: number;
	ok: boolean;
	rows?: unknown[];
	affectedRows?: number;
	error?: { message: string; code?: string; detail?: string; constraint?: string; table?: string };
}

export class PgliteHostError extends Error {
	code?: string;
	detail?: string;
	constraint?: string;
	table?: string;
	constructor(e: NonNullable<Reply['error']>) {
		super(e.message);
		Object.assign(this, {
			code: e.code,
			detail: e.detail,
			constraint: e.constraint,
			table: e.table
		});
	}
}

export class PgliteHostClient {
	private next = 1;
	private pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();

	constructor(private readonly child: ChildProcess) {
		child.on('message', (m: unknown) => {
			const r = m as Reply;
			if (typeof r?.id !== 'number') return;
			const p = this.pending.get(r.id);
			if (!p) return;
			this.pending.delete(r.id);
			p.resolve(r);
		});
		child.on('exit', (code) => {
			for (const p of this.pending.values())
				p.reject(new Error(`embedded database exited (${code})`));
			this.pending.clear();
		});
	}

	request(
		op: 'query' | 'exec' | 'close',
		sql: string,
		params: readonly unknown[] = []
	): Promise<Reply> {
		const id = this.next++;
		return new Promise((resolve, reject) => {
			this.pending.set(id, { resolve, reject });
			this.child.send({ id, op, sql, params }, (err) => {
				if (err) {
					this.pending.delete(id);
					reject(err);
				}
			});
		});
	}
}

class HostConnection implements DatabaseConnection {
	constructor(private readonly client: PgliteHostClient) {}

	async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
		// no parameters: run as a simple query, which may hold several statements (migrations)
		const op = q.parameters.length ? 'query' : 'exec';
		const r = await this.client.request(op, q.sql, q.parameters);
		if (!r.ok) throw new PgliteHostError(r.error!);
		return {
			rows: (r.rows ?? []) as R[],
			numAffectedRows: r.affectedRows === undefined ? undefined : BigInt(r.affectedRows)
		};
	}

	// eslint-disable-next-line require-yield
	async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
		throw new Error('streaming is not supported by the embedded engine');
	}
}

class HostDriver implements Driver {
	private readonly connection: HostConnection;
	private queue: (() => void)[] = [];
	private busy = false;

	constructor(client: PgliteHostClient) {
		this.connection = new HostConnection(client);
	}

	async init(): Promise<void> {}

	acquireConnection(): Promise<DatabaseConnection> {
		return new Promise((resolve) => {
			const take = () => {
				this.busy = true;
				resolve(this.connection);
			};
			if (this.busy) this.queue.push(take);
			else take();
		});
	}

	async beginTransaction(c: DatabaseConnection): Promise<void> {
		await c.executeQuery(CompiledQuery.raw('BEGIN'));
	}
	async commitTransaction(c: DatabaseConnection): Promise<void> {
		await c.executeQuery(CompiledQuery.raw('COMMIT'));
	}
	async rollbackTransaction(c: DatabaseConnection): Promise<void> {
		await c.executeQuery(CompiledQuery.raw('ROLLBACK'));
	}

	async releaseConnection(): Promise<void> {
		const next = this.queue.shift();
		if (next) next();
		else this.busy = false;
	}

	async destroy(): Promise<void> {}
}

export class PgliteHostDialect implements Dialect {
	constructor(private readonly client: PgliteHostClient) {}
	createAdapter() {
		return new PostgresAdapter();
	}
	createDriver(): Driver {
		return new HostDriver(this.client);
	}
	createQueryCompiler() {
		return new PostgresQueryCompiler();
	}
	createIntrospector(db: Kysely<unknown>) {
		return new PostgresIntrospector(db);
	}
}
