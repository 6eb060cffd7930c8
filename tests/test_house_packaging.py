"""sendboard works when installed from its wheel (not only from a checkout), and its dependency list is
exactly what the code imports.

The wheel is built from a copy of the package's files, installed without ``-e`` into a new virtual
environment that borrows this one's third-party packages (a .pth line naming their folder: .pth files
inside that folder, such as the editable install's finder, are not run from there), and then the installed
``sendboard`` command builds a demo and a script reads shipped data from the installed package.
"""
from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The name a distribution is imported by, where the two differ.
IMPORT_NAMES = {"argon2-cffi": "argon2", "fpdf2": "fpdf", "python-docx": "docx", "faker": "faker", "pypdf": "pypdf",
                "oidc-provider-mock": "oidc_provider_mock", "axe-playwright-python": "axe_playwright_python"}


def _distribution(requirement: str) -> str:
    name = requirement.split(";")[0]
    for stop in "<>=![ ":
        name = name.split(stop)[0]
    return name.strip().lower()


def _third_party_imports(paths) -> dict[str, set[str]]:
    """Top-level names imported (anywhere in a file) that are neither the standard library nor sendboard."""
    found: dict[str, set[str]] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ("sendboard", "tests", "__future__"):
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_dependencies_are_what_the_code_imports():
    """Every package the app imports is a declared dependency (an optional one for the benchmark's and the
    tests' tools), and every declared dependency is imported by the app: nothing unused is installed
    (scipy, once listed, is neither)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {IMPORT_NAMES.get(_distribution(r), _distribution(r)) for r in project["dependencies"]}
    optional = {IMPORT_NAMES.get(_distribution(r), _distribution(r))
                for extra in project["optional-dependencies"].values() for r in extra}
    app_files = [*(ROOT / "sendboard").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "streamlit_app.py"]
    imported = _third_party_imports(app_files)
    undeclared = {name: sorted(where) for name, where in imported.items() if name not in runtime | optional}
    assert not undeclared, f"imported but not in pyproject.toml: {undeclared}"
    unused = runtime - set(imported)
    assert not unused, f"declared in pyproject.toml but imported by no module of the app: {sorted(unused)}"
    assert "scipy" not in runtime | optional | set(imported)


def test_floors_are_the_versions_the_suite_runs_on():
    from importlib.metadata import version

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    floors = {_distribution(r): r.split(">=")[1] for r in project["dependencies"] if ">=" in r}
    for name in ("streamlit", "duckdb", "pandas", "plotly"):
        assert floors[name] == version(name), f"{name}: floor {floors[name]}, installed {version(name)}"


def _build_wheel(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "sendboard", source / "sendboard", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(source)],
                   check=True, capture_output=True, text=True, cwd=tmp_path)
    (wheel,) = out.glob("sendboard-*.whl")
    return wheel


def _environment_with(wheel: Path, tmp_path: Path) -> Path:
    env_dir = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    Path(purelib, "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", "--no-index",
                    str(wheel)], check=True, capture_output=True, text=True)
    return env_dir


READ_SHIPPED = """
import json, sys
import sendboard
from sendboard.app_db import open_database
from sendboard.importers.templates import template_csv
from sendboard.package_data import shipped

db = open_database(sys.argv[1])
need_codes = db.cursor().execute("SELECT count(*), count(DISTINCT area_code) FROM ref_need_codes").fetchone()
template = shipped("templates", "pupils.csv").read_bytes()
print(json.dumps({"package": sendboard.__file__, "need_codes": list(need_codes),
                  "template_matches": template == template_csv("pupils"), "template_head": template.decode()[:4]}))
"""


def test_an_installed_wheel_builds_the_demo_and_reads_its_shipped_data(tmp_path):
    env_dir = _environment_with(_build_wheel(tmp_path), tmp_path)
    work = tmp_path / "elsewhere"  # not the checkout: nothing can be imported from the current folder
    work.mkdir()
    demo = work / "demo.duckdb"
    made = subprocess.run([str(env_dir / "bin" / "sendboard"), "demo", "--pupils", "50", "--seed", "3", "--db", str(demo)],
                          capture_output=True, text=True, cwd=work)
    assert made.returncode == 0, made.stderr[-2000:]
    assert "Built" in made.stdout
    read = subprocess.run([str(env_dir / "bin" / "python"), "-c", READ_SHIPPED, str(demo)], capture_output=True,
                          text=True, cwd=work)
    assert read.returncode == 0, read.stderr[-2000:]
    result = json.loads(read.stdout.strip().splitlines()[-1])
    assert Path(result["package"]).is_relative_to(env_dir), result["package"]  # the installed copy, not the checkout
    # one row per census code of the shipped need_codes.csv (of this checkout), in the 5 broad areas
    codes = (ROOT / "sendboard" / "data" / "reference" / "need_codes.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert result["need_codes"] == [len([line for line in codes if line.strip()]), 5]
    assert result["template_matches"] and result["template_head"] == "UPN,"
