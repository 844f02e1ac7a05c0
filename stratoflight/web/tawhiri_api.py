"""The ``/api/v1/`` endpoint: Tawhiri's request in, a prediction, Tawhiri's JSON out."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from stratoflight.web.answers import json_response
from stratoflight.web.params import input_errors
from stratoflight.web.tawhiri import dataset_label, parse_request, tawhiri_answer

__all__ = ["endpoint"]


async def endpoint(request: Request) -> Response:
    """Answer one Tawhiri prediction request."""
    context = request.app.state.context
    started = datetime.now(UTC)
    echo, kwargs = parse_request(request.query_params, dataset_label(context.atmosphere))

    def fly() -> dict:
        from predictor import predict

        with context.engine_lock, input_errors():
            result = predict(context.atmosphere, **kwargs)
        return tawhiri_answer(echo, result, started, datetime.now(UTC))

    return json_response(await run_in_threadpool(fly))
