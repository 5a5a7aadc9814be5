"""A receiver of the bot's case events: verifies each delivery the Standard Webhooks way and
refuses a replay (a timestamp more than five minutes off), then acknowledges it once.

    pip install aiohttp standardwebhooks
    CASE_WEBHOOK_SECRET=whsec_... python receiver.py
"""

import json
import os

from aiohttp import web
from standardwebhooks import Webhook, WebhookVerificationError

hook = Webhook(os.environ["CASE_WEBHOOK_SECRET"])  # the same `whsec_…` secret as the bot's
seen: set[str] = set()  # webhook-id: keep it durably in a real receiver


async def events(request: web.Request) -> web.Response:
    body = await request.read()
    try:
        event = hook.verify(body, dict(request.headers))  # signature and timestamp
    except WebhookVerificationError:
        return web.Response(status=401)
    if request.headers["webhook-id"] not in seen:  # retried until a 2xx: act on it once
        seen.add(request.headers["webhook-id"])
        print(event["type"], event["case_number"], json.dumps(event["data"])[:200])
    return web.Response(status=204)


if __name__ == "__main__":
    app = web.Application()
    app.router.add_post("/events", events)
    web.run_app(app, port=8090)
