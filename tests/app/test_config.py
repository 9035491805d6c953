"""Configuration from the environment, with embedded defaults."""

from __future__ import annotations

import pytest

from app import create_app
from app.config import normalise_database_url


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    second = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    assert first == second and len(first) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("YUNPIN_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_defaults_are_embedded(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "REDIS_URL", "SEARCH_BACKEND", "VIDEO_URL", "MAIL_SERVER"):
        monkeypatch.delenv(name, raising=False)
    config = create_app({"INSTANCE_PATH": str(tmp_path)}).config
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'yunpin.db'}"
    assert config["REDIS_URL"] is None and config["VIDEO_URL"] is None
    assert config["SEARCH_BACKEND"] == "embedded"
    assert config["MAIL_OUTBOX"] == str(tmp_path / "outbox")


def test_environment_scales_out(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/yunpin")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    monkeypatch.setenv("SEARCH_BACKEND", "opensearch")
    monkeypatch.setenv("SEARCH_URL", "http://search:9200")
    config = create_app({"INSTANCE_PATH": str(tmp_path)}).config
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db/yunpin"
    assert config["REDIS_URL"] == "redis://cache:6379/0"
    assert (config["SEARCH_BACKEND"], config["SEARCH_URL"]) == ("opensearch", "http://search:9200")


def test_normalise_database_url_leaves_other_urls_alone():
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"
    assert normalise_database_url("postgresql://h/d") == "postgresql+psycopg://h/d"


def test_outbox_is_only_served_by_a_local_instance_to_this_machine(client, app):
    assert client.get("/dev/outbox").status_code == 404
    app.config["LOCAL_INSTANCE"] = True  # what `yunpin run` on a loopback address sets
    assert client.get("/dev/outbox").status_code == 200
    elsewhere = {"REMOTE_ADDR": "192.0.2.7"}
    assert client.get("/dev/outbox", environ_base=elsewhere).status_code == 404
    app.config["PRODUCTION"] = True
    assert client.get("/dev/outbox").status_code == 404


def test_children_of_run_share_the_rate_limits_through_redis():
    from app.config import limiter_storage

    assert limiter_storage(None) == "memory://"
    assert limiter_storage("unix:///tmp/r.sock") == "redis+unix:///tmp/r.sock"
    assert limiter_storage("redis://h:6379/0") == "redis://h:6379/0"


def test_run_serves_debug_pages_only_on_loopback():
    from app.cli import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.7")


def test_the_development_server_is_refused_on_a_public_address(runner):
    from app.cli import main

    result = runner.invoke(main, ["run", "--debug", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "loopback hosts only" in result.output
