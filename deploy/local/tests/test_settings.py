"""Settings: local defaults, CASIA_* overrides, and which pieces casia-local manages."""

from __future__ import annotations

from pathlib import Path

import pytest

from casia_local.auth import dev_secret, gateway_auth_env
from casia_local.settings import Endpoint, Settings, SettingsError, mongo_endpoint, parse_endpoint


def test_the_defaults_are_the_documented_local_ports_and_folders() -> None:
    settings = Settings.from_env({})

    assert settings.home == settings.repo / ".local"
    assert settings.cache == Path.home() / ".cache" / "casia"
    assert settings.kafka.bootstrap == "127.0.0.1:9092"
    assert settings.kafka.controller_port == 9093
    assert settings.mongo.uri == "mongodb://127.0.0.1:27017/?replicaSet=rs0"
    assert settings.mongo.database == "casia"
    assert settings.s3.endpoint == Endpoint("127.0.0.1", 9000)
    assert settings.s3.console_port == 9001
    assert (settings.s3.access_key, settings.s3.secret_key) == ("casia", "casia-local-secret")
    assert (settings.smtp.host, settings.smtp.port, settings.smtp.ui_port) == ("127.0.0.1", 1025, 8025)
    assert dict(settings.service_ports) == {
        "intake": 8000,
        "workflow": 8001,
        "documents": 8002,
        "receipts": 8003,
        "notifier": 8004,
        "portal": 8080,
    }
    assert settings.gateway_url == "http://127.0.0.1:8000/docs"
    assert settings.portal_url == "http://127.0.0.1:8080/"
    assert all([settings.kafka.managed, settings.mongo.managed, settings.s3.managed, settings.smtp.managed])
    assert not any(name.startswith("CASIA_AUTH") for name in settings.client_env())  # the gateway's own


def test_the_gateway_is_given_dev_mode_and_the_secret_that_is_set() -> None:
    settings = Settings.from_env({"CASIA_AUTH_DEV_SECRET": "s" * 40})

    assert gateway_auth_env(settings) == {"CASIA_AUTH_MODE": "dev", "CASIA_AUTH_DEV_SECRET": "s" * 40}


def test_without_a_secret_set_the_stack_makes_one_of_its_own_once(tmp_path: Path) -> None:
    settings = Settings.from_env({"CASIA_LOCAL_HOME": str(tmp_path)})

    made = dev_secret(settings)

    assert len(made.encode()) >= 32
    assert dev_secret(settings) == made  # kept: tokens minted earlier stay valid
    assert (tmp_path / "config" / "auth-dev-secret").stat().st_mode & 0o777 == 0o600
    assert dev_secret(Settings.from_env({"CASIA_LOCAL_HOME": str(tmp_path / "other")})) != made


def test_data_logs_and_pid_files_live_under_one_home(tmp_path: Path) -> None:
    settings = Settings.from_env({"CASIA_LOCAL_HOME": str(tmp_path), "CASIA_CACHE": str(tmp_path / "c")})

    assert settings.data_dir == tmp_path / "data"
    assert settings.logs_dir == tmp_path / "logs"
    assert settings.run_dir == tmp_path / "run"
    assert settings.cache_bin == tmp_path / "c" / "bin"


def test_a_non_local_address_is_an_existing_server_casia_local_does_not_start() -> None:
    settings = Settings.from_env(
        {
            "CASIA_KAFKA_BOOTSTRAP": "kafka-1.example:9092,kafka-2.example:9092",
            "CASIA_MONGO_URI": "mongodb://user:pw@db-1.example:27018,db-2.example/?replicaSet=prod",
            "CASIA_S3_ENDPOINT": "s3.example:443",
            "CASIA_SMTP_HOST": "smtp.example",
        }
    )

    assert not any(
        [settings.kafka.managed, settings.mongo.managed, settings.s3.managed, settings.smtp.managed]
    )
    assert settings.mongo.endpoint == Endpoint("db-1.example", 27018)
    assert settings.client_env()["CASIA_KAFKA_BOOTSTRAP"] == "kafka-1.example:9092,kafka-2.example:9092"


def test_a_manage_flag_overrides_the_guess() -> None:
    settings = Settings.from_env({"CASIA_MANAGE_MONGO": "false", "CASIA_MANAGE_KAFKA": "no"})

    assert not settings.mongo.managed
    assert not settings.kafka.managed
    assert settings.s3.managed


def test_ports_follow_the_client_addresses() -> None:
    settings = Settings.from_env(
        {
            "CASIA_KAFKA_BOOTSTRAP": "127.0.0.1:29092",
            "CASIA_MONGO_URI": "mongodb://localhost:27117/?replicaSet=rs0",
            "CASIA_INTAKE_PORT": "18000",
        }
    )

    assert settings.kafka.endpoint.port == 29092
    assert settings.mongo.endpoint == Endpoint("localhost", 27117)
    assert settings.mongo.managed
    assert settings.gateway_url == "http://127.0.0.1:18000/docs"


@pytest.mark.parametrize(
    "env",
    [{"CASIA_SMTP_PORT": "smtp"}, {"CASIA_INTAKE_PORT": "70000"}, {"CASIA_MANAGE_S3": "maybe"}],
)
def test_unusable_values_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        Settings.from_env(env)


def test_endpoint_parsing() -> None:
    assert parse_endpoint("[::1]:9092", default_port=1) == Endpoint("::1", 9092)
    assert parse_endpoint("broker", default_port=9092) == Endpoint("broker", 9092)
    assert mongo_endpoint("mongodb://127.0.0.1/?replicaSet=rs0") == Endpoint("127.0.0.1", 27017)


def test_the_stack_records_its_spans_in_one_file_unless_told_not_to() -> None:
    recording = Settings.from_env({})
    quiet = Settings.from_env({"CASIA_LOCAL_TRACES": "none"})

    assert recording.traces_env() == {
        "CASIA_TRACES_EXPORTER": "file",
        "CASIA_TRACES_FILE": str(recording.logs_dir / "traces.jsonl"),
    }
    assert quiet.traces_env() == {"CASIA_TRACES_EXPORTER": "none"}
    assert not any(name.startswith("CASIA_TRACES") for name in recording.client_env())  # images get none
