"""Static checks of docker/: no engine runs here, so the files are linted, not executed."""

import re

import yaml

from projections_assets_tests.conftest import REPO_ROOT

DOCKER = REPO_ROOT / "docker"


def test_compose_publishes_the_webserver_on_loopback_only_and_takes_secrets_from_env():
    compose = yaml.safe_load((DOCKER / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "webserver", "daemon"}
    assert services["webserver"]["ports"] == ["127.0.0.1:3000:3000"]
    assert "ports" not in services["postgres"] and "ports" not in services["daemon"]
    url = services["daemon"]["environment"]["DAGSTER_PG_URL"]
    assert url.startswith("postgresql+psycopg2://") and "${POSTGRES_PASSWORD" in url
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")
    for name in ("webserver", "daemon"):
        env = services[name]["environment"]
        assert env["PROJECTIONS_DEPLOYMENT"] == "production"
        assert env["ODDS_API_KEY"].startswith("${ODDS_API_KEY")


def test_dockerfile_copies_files_that_exist_and_installs_from_the_lock():
    text = (DOCKER / "Dockerfile").read_text()
    for line in text.splitlines():
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (REPO_ROOT / source).exists(), source
    assert "uv sync --locked" in text
    assert re.search(r"^USER dagster$", text, re.M)


def test_instance_yaml_reads_the_database_url_from_the_environment():
    config = yaml.safe_load((DOCKER / "dagster.yaml").read_text())
    assert config["storage"]["postgres"]["postgres_url"] == {"env": "DAGSTER_PG_URL"}
