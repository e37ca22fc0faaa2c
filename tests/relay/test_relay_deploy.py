"""The deployment files (``deploy/``, ``docs/relay-deploy.md``) parse, and every option they give
the relay is one ``serve`` has. (Docker itself is not run here.)"""

from __future__ import annotations

import configparser
import ipaddress
import json
import re
import shlex
from pathlib import Path

import typer
import yaml

from reconnect_tui.relay.backends import parse_db

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
INSTRUCTIONS = {"FROM", "RUN", "COPY", "WORKDIR", "USER", "EXPOSE", "ENTRYPOINT", "CMD",
                "HEALTHCHECK", "ENV", "ARG", "LABEL"}


def serve_options() -> set[str]:
    from reconnect_tui.relay.__main__ import app

    serve = typer.main.get_command(app).commands["serve"]  # type: ignore[attr-defined]
    return {name for param in serve.params for name in param.opts + param.secondary_opts}


def check_arguments(arguments: list[str]) -> None:
    options = serve_options()
    given = [a.split("=", 1)[0] for a in arguments if a.startswith("--")]
    assert given and set(given) <= options, set(given) - options
    if "--db" in arguments:
        parse_db(arguments[arguments.index("--db") + 1])  # a path or postgresql://, or raises


def test_compose_runs_two_relays_on_postgres_behind_caddy() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "relay1", "relay2", "caddy"} <= set(services)
    subnet = ipaddress.ip_network(compose["networks"]["relay"]["ipam"]["config"][0]["subnet"])
    for name in ("relay1", "relay2"):
        command = services[name]["command"]
        check_arguments(command)
        assert command[command.index("--db") + 1].startswith("postgresql://")
        assert ipaddress.ip_network(command[command.index("--trusted-proxy") + 1]) == subnet
        assert "PGPASSWORD" in services[name]["environment"]
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    assert re.search(r"reverse_proxy relay1:8765 relay2:8765 \{", caddyfile)
    assert caddyfile.count("{") == caddyfile.count("}")


def test_dockerfile_instructions_and_the_relay_command() -> None:
    lines = [line for line in (DEPLOY / "Dockerfile").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert all(line.split()[0] in INSTRUCTIONS for line in lines), lines
    entry = next(line for line in lines if line.startswith("ENTRYPOINT "))
    cmd = next(line for line in lines if line.startswith("CMD "))
    command = json.loads(entry.split(" ", 1)[1]) + json.loads(cmd.split(" ", 1)[1])
    assert command[:4] == ["python", "-m", "reconnect_tui.relay", "serve"]
    check_arguments(command[4:])


def test_systemd_unit() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(DEPLOY / "reconnect-relay@.service")
    assert {"Unit", "Service", "Install"} <= set(unit.sections())
    command = shlex.split(unit["Service"]["ExecStart"].replace("\\\n", " "))
    assert command[1:4] == ["-m", "reconnect_tui.relay", "serve"]
    check_arguments([a.replace("%i", "8765").replace("${RELAY_DB}", "/var/lib/r/relay.db")
                     for a in command[4:]])
    assert unit["Service"]["User"] == "reconnect-relay"
