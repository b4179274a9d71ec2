"""The JSON API for the qualification-records system (`/api/v1/`) and its signed webhooks.

`models` (tokens, webhook endpoints, the outbox), `tokens` (token services), `auth` (bearer
tokens, scopes, rate limits), `registry` (operations declared once, for the routes and the
OpenAPI document), `params`, `pagination` (signed cursors), `services` (what the operations
read), `schemas` (what they answer), `views` and `openapi` (the operations and the document),
`webhooks/` (endpoints, outbox, delivery), `cli` (`lms api-token`, `lms webhooks`), `pages`
(the admin's pages).
"""

from flask import Flask

from lms import config
from lms.config import ConfigError
from lms.ratelimit import Limit

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def _flag(app: Flask, key: str) -> None:
    value = app.config[key]
    if isinstance(value, str):
        if value.strip().lower() not in TRUE | FALSE:
            raise ConfigError(f"{key} must be 1 or 0, not {value!r}.")
        app.config[key] = value.strip().lower() in TRUE
    else:
        app.config[key] = bool(value)


def init_app(app: Flask) -> None:
    """Check the API's settings (refusing to start on a wrong one), listen to the certificate
    signals and give the background queue the webhook delivery tasks."""
    from lms.api.params import ID_CONVERTER, ApiIdConverter
    from lms.api.webhooks import delivery, outbox, targets

    for key in ("LMS_API_LIMIT", "LMS_API_BAD_TOKEN_LIMIT"):
        try:
            Limit.parse(app.config[key])
        except ValueError as error:
            raise ConfigError(f"{key}: {error}") from error
    for key in ("LMS_WEBHOOK_TIMEOUT", "LMS_WEBHOOK_MAX_ATTEMPTS", "LMS_WEBHOOK_RETRY_SECONDS"):
        config.positive_number(app, key)
    try:
        settle = float(app.config["LMS_API_SETTLE_SECONDS"])
    except (TypeError, ValueError):
        settle = -1.0
    if not 0 <= settle <= 3600:
        raise ConfigError("LMS_API_SETTLE_SECONDS must be a number of seconds from 0 to 3600.")
    app.config["LMS_API_SETTLE_SECONDS"] = settle
    _flag(app, "LMS_WEBHOOK_ALLOW_HTTP")
    targets.parse_networks(app.config["LMS_WEBHOOK_ALLOWED_NETWORKS"])
    # Before the blueprints: their rules look their converters up when they are added.
    app.url_map.converters[ID_CONVERTER] = ApiIdConverter
    outbox.connect()
    app.extensions["lms"].jobs.add_tasks(delivery.add_tasks)
