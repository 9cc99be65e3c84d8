// Per-host work in parallel, at most `forks` hosts at once. Each result is handed on as soon as its host is done,
// so output appears while slower hosts still run. Shared by ad-hoc runs and `tsinfra passwd`.
import pLimit from 'p-limit';

export interface ForEachHostOptions<R> {
  forks: number;
  /** Called as each host finishes. */
  onResult?: (result: R) => void;
}

/** Runs `work` for every host; `work` turns its own failures into a result, so one host never stops the others. */
export async function forEachHost<H, R>(hosts: readonly H[], work: (host: H) => Promise<R>, o: ForEachHostOptions<R>): Promise<R[]> {
  const limit = pLimit(Math.max(1, o.forks));
  return Promise.all(
    hosts.map((h) =>
      limit(async () => {
        const result = await work(h);
        o.onResult?.(result);
        return result;
      }),
    ),
  );
}
