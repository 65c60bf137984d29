"""bench/scale.py's measure of each request on the server: its time and its queries, as
response headers (a streamed download is measured to its first byte only)."""

import time

from django.db import connection


def cost(get_response):
    def middleware(request):
        queries = [0]

        def count(execute, sql, params, many, context):
            queries[0] += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = get_response(request)
        response["X-Bench-Ms"] = f"{(time.perf_counter() - started) * 1000:.1f}"
        response["X-Bench-Queries"] = str(queries[0])
        return response

    return middleware
