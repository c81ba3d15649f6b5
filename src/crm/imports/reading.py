"""Reading an import's rows into checked batches (IMP-1; the speed of issue 4).

Checking a row (converting its cells, the pinyin and name key of its name, drafting the record it
would create) is about half of an import's work, and needs no database. `Reader.batch()` reads,
makes and checks the next batch; `Reader.step()` does one row of it ahead of time. The run
(crm.imports.services.run) has it called between the rows of the batch being written
(crm.core.bulk.between_rows: while the database indexes the rows sent before), so Python's work
and the database's overlap on one thread and one connection, and no record type has to know.

A file that breaks off is reported where its batch is asked for: the batches before it are
written, the rows of that batch are not.

(A helper process reading ahead, measured on two CPUs, was no faster: the import is CPU-bound
between Python and PostgreSQL, and pickling the rows across cost what it saved. A helper
thread was slower: it holds the GIL when the writing thread's queries come back.)
"""

from crm.imports.registry import Context, Row


def make_row(job, index: int, number: int, cells: list, policy: str = "") -> Row:
    mapped = {}
    for column, key in job.mapping.items():
        position = int(column)
        if position < len(cells):
            mapped[key] = cells[position]
    return Row(index=index, number=number, raw=list(cells), cells=mapped, policy=policy)


class Reader:
    """The rows of `rows` ((index, number, cells) from parsing.iter_rows) in checked batches."""

    def __init__(self, job, ctx: Context, rows, *, size: int):
        self._job, self._ctx, self._rows, self._size = job, ctx, rows, size
        self._next: list[Row] = []
        self._done = False
        self._error: BaseException | None = None

    def step(self) -> None:
        if self._done or len(self._next) >= self._size:
            return
        try:
            item = next(self._rows, None)
            if item is None:
                self._done = True
                return
            row = make_row(self._job, *item)
            self._ctx.type.clean(self._ctx, [row])
        except Exception as exc:  # raised by batch(), outside the batch being written
            self._done, self._error = True, exc
            return
        self._next.append(row)

    def batch(self) -> list[Row]:
        while not self._done and len(self._next) < self._size:
            self.step()
        if self._error is not None:
            raise self._error
        batch, self._next = self._next, []
        return batch
