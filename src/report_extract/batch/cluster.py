"""Converting on a Dask cluster (`--executor dask`): the same tasks, the same outcomes.

The cluster's workers run `workers.convert_task` and send back each document's journal
line; the machine that runs `convert` keeps the journal and writes every output, exactly
as a local run does, so the files are identical.  The input paths must be readable on the
workers under the same names (a shared or mirrored file system): only paths travel.

Isolation on a cluster is Dask's: a worker's nanny restarts a worker that exceeds its
`--memory-limit`, and a document that kills workers repeatedly fails with KilledWorker,
which becomes a "crash" row in errors.csv.  `--timeout` is not enforced on Dask (a running
task cannot be stopped there); a hung document holds one worker thread until the run ends.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from report_extract.batch.workers import Job, Outcome, Task, convert_task, failed


@dataclass
class DaskPool:
    """`scheduler`: a scheduler address (tcp://host:8786); None starts a LocalCluster of
    `jobs` single-threaded worker processes on this machine."""

    scheduler: str | None
    job: Job
    jobs: int = 2

    def _client(self):
        from distributed import Client, LocalCluster

        if self.scheduler:
            return Client(self.scheduler), None
        cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                               dashboard_address=None)  # fmt: skip
        return Client(cluster), cluster

    def map(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        from distributed import as_completed

        client, cluster = self._client()
        try:
            threads = sum(client.nthreads().values()) or 1
            job = client.scatter(self.job, broadcast=True)
            pending = iter(tasks)
            running = as_completed()
            # A bounded window of submitted tasks: a million-file crawl is never all in
            # the scheduler's memory at once, and the planner (hashing) runs alongside.
            tasks_of: dict[str, Task] = {}  # future key -> its document
            for task in islice(pending, 4 * threads):
                running.add(self._submit(client, task, job, tasks_of))
            for future in running:
                yield self._outcome(future, tasks_of.pop(future.key))
                for task in islice(pending, 1):
                    running.add(self._submit(client, task, job, tasks_of))
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    @staticmethod
    def _submit(client, task: Task, job, tasks_of: dict[str, Task]):
        future = client.submit(convert_task, task, job, pure=False)
        tasks_of[future.key] = task
        return future

    def _outcome(self, future, task: Task) -> Outcome:
        try:
            return future.result()
        except MemoryError:
            return failed(task, self.job, "memory", "memory limit exceeded")
        except Exception as e:  # KilledWorker and friends: the document took its worker down
            return failed(task, self.job, "crash", f"worker died ({type(e).__name__})")
