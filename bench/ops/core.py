"""What every request pays before any module's work: the framework floor of the HTTP numbers.

`GET /api/v1/me/` runs the middleware, loads the session and the user, builds the user's
permissions and answers a few fields: no list, no business data. Its throughput is the
ceiling any API can reach on the machine with the production server (docs/benchmarks.md).
"""

from bench.registry import LoadTest, load_test, operation


@operation("core.api.me", label="Framework floor in process: GET /api/v1/me/", group="api", target_ms=None)
def me_in_process(ctx, persona):
    from bench.ops.customers import _get

    client = ctx.client(persona)
    _get(client, "/api/v1/me/")  # the new session's first renewal, the memos' first read: not counted
    return [lambda: _get(client, "/api/v1/me/")]


load_test(
    LoadTest(
        key="core.http.me",
        label="Framework floor: who am I (session, user, permissions; no list)",
        path="/api/v1/me/",
        target_rps=None,
        target_p95_ms=None,
        personas=("executive",),
    )
)
