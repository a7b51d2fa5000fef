"""The portal as the query benchmark serves it, plus a bare endpoint to compare against.

BENCH_DATABASE_URL=... gunicorn -w 2 bench.wsgi:app
(BENCH_REDIS_URL: the Redis database to use, default redis://127.0.0.1:6379/13, a database of its own, when it answers)
"""

import os

import redis

from app import create_app


def make_app(database_url: str):
    from bench.queries import BENCH_CONFIG

    config = dict(BENCH_CONFIG, SQLALCHEMY_DATABASE_URI=database_url)
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    try:  # the shared store a production deployment uses, when this machine has it
        redis.Redis.from_url(redis_url, socket_connect_timeout=0.5).ping()
        config["REDIS_URL"] = redis_url
    except redis.RedisError:
        pass
    app = create_app(config)

    @app.route("/bench/bare")
    def bare():
        return "ok"

    return app


app = make_app(os.environ["BENCH_DATABASE_URL"]) if "BENCH_DATABASE_URL" in os.environ else None
