"""The project works installed from its wheel, outside the checkout.

A wheel is built and installed without dependencies into a fresh venv that borrows this venv's
site-packages (a .pth line: no download, and the checkout itself is not on the path). From an
empty directory, `samenspraak flows check` must find the packaged flows and the playground must
start and answer in English from the packaged catalogs.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.engine import load_catalog
from bot.translate import translator

ROOT = Path(__file__).resolve().parent.parent
STARTUP = 120.0  # seconds the installed playground may take to answer (migrations, demo)
# pip's messages when the isolated build cannot fetch hatchling from the package index.
OFFLINE = ("NewConnectionError", "Network is unreachable", "No matching distribution found")


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def build_wheel(out: Path) -> Path:
    """`pip wheel --no-deps`; with hatchling at hand no download is needed at all."""
    offline = importlib.util.find_spec("hatchling") is not None
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(ROOT)]
    result = subprocess.run(
        command + (["--no-build-isolation"] if offline else []),
        cwd=out,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0 and not offline and any(s in result.stderr for s in OFFLINE):
        pytest.skip("building the wheel needs hatchling from the package index, unreachable")
    assert result.returncode == 0, result.stderr
    (wheel,) = out.glob("samenspraak-*.whl")
    return wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(venv, an empty working directory) with the wheel installed in the venv."""
    base = tmp_path_factory.mktemp("install")
    wheel = build_wheel(base)
    venv = base / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=base)
    python = venv / "bin" / "python"
    purelib = Path(
        run(
            python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=base
        ).strip()
    )
    # Dependencies come from this venv; its editable-install .pth is not processed from there.
    (purelib / "_samenspraak_test_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--no-deps",
        "--no-index",
        wheel,
        cwd=base,
    )
    work = base / "work"
    work.mkdir()
    yield venv, work


def clean_env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAMENSPRAAK_", "PYTHON"))}
    return {**env, "SAMENSPRAAK_DATA_DIR": str(work / "data"), "MPLCONFIGDIR": str(work / "mpl")}


def test_installed_package_uses_its_own_files(installed: tuple[Path, Path]) -> None:
    """bot, tgstub, flows and catalogs all come from the venv, none from the checkout."""
    venv, work = installed
    code = (
        "import json, bot, tgstub; from bot.datafiles import data_dir;"
        "from bot.translate import translator;"
        "print(json.dumps([bot.__file__, tgstub.__file__, str(data_dir('flows')),"
        " str(data_dir('locales')), len(translator('en').messages)]))"
    )
    found = json.loads(run(venv / "bin" / "python", "-c", code, cwd=work, env=clean_env(work)))
    paths, catalog_size = found[:4], found[4]
    assert [str(ROOT) in path for path in paths] == [False] * 4, paths
    assert [str(venv) in path for path in paths] == [True] * 4, paths
    assert catalog_size == len(translator("en").messages)


def test_flows_check_finds_the_packaged_flows(installed: tuple[Path, Path]) -> None:
    """`samenspraak flows check` from an empty directory checks every shipped flow."""
    venv, work = installed
    catalog = load_catalog(ROOT / "flows")
    out = run(venv / "bin" / "samenspraak", "flows", "check", cwd=work, env=clean_env(work))
    assert f"OK: {len(catalog.templates)} plan templates, {len(catalog.flows)} flows." in out


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def call(url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return dict(json.loads(response.read()))


def until_ready(base: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[0]
        try:
            if call(f"{base}_play/config")["ok"]:
                return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.2)  # start-up polling, not a proof: the assertions below do not depend on it
    raise AssertionError(f"the installed playground did not start within {STARTUP}s")


def test_installed_playground_answers_in_english(installed: tuple[Path, Path]) -> None:
    """The installed playground starts and answers an English-speaking user in English."""
    venv, work = installed
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    process = subprocess.Popen(
        [
            str(venv / "bin" / "samenspraak"),
            "playground",
            "--port",
            str(port),
            "--no-sample-answers",
        ],
        cwd=work,
        env=clean_env(work),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        until_ready(base, process)
        user = {"user_id": 990_001, "first_name": "Sam", "language_code": "en"}
        assert call(f"{base}_sim/send", {**user, "text": "/start nietbestaand"})["ok"]
        found = call(f"{base}_sim/messages?chat_id=990001&wait=30")["result"]["messages"]
        dutch = "Deze link werkt niet (meer). Vraag degene die je de link gaf om een nieuwe link."
        english = translator("en").gettext(dutch)
        assert english != dutch
        assert [message["text"] for message in found] == [english]
    finally:
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=60)[0]
    assert process.returncode == 0, output
    assert "Speeltuin gestopt." in output
