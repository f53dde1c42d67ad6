"""Resources are found the same way from source, from a pip install and from a bundle;
the user's files go to the platform's folders, never next to the program."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest

import workbench
from workbench import locations
from workbench.evaluation.templates import load_template

REPO = Path(__file__).resolve().parents[2]
SOURCE_RESOURCES = REPO / "src" / "workbench" / "resources"

# Every resource the program reads, as callers name it.
RESOURCE_FILES = [
    ("evaluation", "revenue-intelligence.json"),
    ("evaluation", "conversation-intelligence.json"),
    ("lifecycle", "revenue-intelligence.json"),
    ("lifecycle", "conversation-intelligence.json"),
    ("lifecycle", "intake.json"),
    ("maintenance.json",),
    ("templates", "content", "consent_jurisdictions.json"),
    ("templates", "content", "maintenance.json"),
    ("templates", "workbench.docx"),
    ("icons", "workbench.png"),
]


@pytest.fixture
def no_overrides(monkeypatch):
    for name in ("WORKBENCH_CONFIG_DIR", "WORKBENCH_DATA_DIR", "WORKBENCH_LOG_DIR"):
        monkeypatch.delenv(name, raising=False)


def test_from_source_the_resources_are_the_package_folder():
    assert not locations.is_bundled()
    assert locations.resources_root() == Path(workbench.__file__).parent / "resources"
    assert locations.resources_root() == SOURCE_RESOURCES
    for parts in RESOURCE_FILES:
        assert locations.resource_path(*parts) == SOURCE_RESOURCES.joinpath(*parts)


def test_a_missing_resource_names_the_file():
    with pytest.raises(FileNotFoundError, match=r"resource missing: .*lifecycle.*nope\.json"):
        locations.resource_path("lifecycle", "nope.json")


def test_in_a_simulated_bundle_the_resources_come_from_the_bundle(tmp_path, monkeypatch):
    # PyInstaller's one-folder layout: dist/workbench/workbench and dist/workbench/_internal,
    # sys._MEIPASS = _internal, data files under _internal/workbench/resources.
    bundle = tmp_path / "workbench"
    internal = bundle / "_internal"
    shutil.copytree(SOURCE_RESOURCES, internal / "workbench" / "resources")
    template = internal / "workbench" / "resources" / "evaluation" / "revenue-intelligence.json"
    data = json.loads(template.read_text(encoding="utf-8"))
    data["name"] = "Bundled copy"
    template.write_text(json.dumps(data), encoding="utf-8")

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(internal), raising=False)
    monkeypatch.setattr(sys, "executable", str(bundle / "workbench"))

    assert locations.is_bundled()
    assert locations.resources_root() == internal / "workbench" / "resources"
    for parts in RESOURCE_FILES:
        assert locations.resource_path(*parts) == internal.joinpath(
            "workbench", "resources", *parts
        )
    # The real callers go through the same function: the template read is the bundle's.
    assert load_template("revenue-intelligence").name == "Bundled copy"


def test_a_pip_installed_copy_finds_its_resources(tmp_path):
    # What pip puts in site-packages: the package's modules plus the package data that
    # pyproject.toml declares. (CI's "installed package" step runs a real pip install.)
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["workbench"]
    package = REPO / "src" / "workbench"
    site = tmp_path / "site-packages"
    files = set(package.rglob("*.py")).union(*(package.glob(p) for p in patterns))
    for path in files:
        if path.is_file() and "__pycache__" not in path.parts:
            rel = path.relative_to(package)
            (site / "workbench" / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, site / "workbench" / rel)
    script = (
        f"import sys; sys.path[:0] = [{str(site)!r}]\n"
        "import json, workbench.locations as l\n"
        "print(json.dumps([str(l.resources_root()), l.read_resource_text('maintenance.json')]))"
    )
    out = subprocess.run(
        [sys.executable, "-S", "-c", script],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout
    root, text = json.loads(out)
    assert Path(root) == site / "workbench" / "resources"
    assert text == (SOURCE_RESOURCES / "maintenance.json").read_text(encoding="utf-8")
    for parts in RESOURCE_FILES:
        assert (site / "workbench" / "resources").joinpath(*parts).is_file(), parts


def test_user_folders_are_the_platform_folders(no_overrides):
    assert locations.config_dir() == Path(
        platformdirs.user_config_dir("workbench", appauthor=False)
    )
    assert locations.data_dir() == Path(platformdirs.user_data_dir("workbench", appauthor=False))
    assert locations.log_dir() == Path(platformdirs.user_log_dir("workbench", appauthor=False))


def test_user_folders_are_never_beside_a_bundled_program(no_overrides, tmp_path, monkeypatch):
    bundle = tmp_path / "workbench"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle / "_internal"), raising=False)
    monkeypatch.setattr(sys, "executable", str(bundle / "workbench"))
    monkeypatch.chdir(tmp_path)
    for folder in (locations.config_dir(), locations.data_dir(), locations.log_dir()):
        assert folder.is_absolute()
        assert bundle not in folder.parents and folder != bundle
        assert tmp_path not in folder.parents


def test_overrides_win(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("WORKBENCH_LOG_DIR", str(tmp_path / "l"))
    assert locations.config_dir() == tmp_path / "c"
    assert locations.data_dir() == tmp_path / "d"
    assert locations.log_dir() == tmp_path / "l"


def test_every_user_file_goes_through_the_same_folders():
    from workbench.importers import library
    from workbench.reports import preferences

    assert library.data_dir is locations.data_dir
    assert preferences.config_dir is locations.config_dir


def test_no_module_finds_files_relative_to_its_own_location():
    # workbench.locations is the one place that knows where files are; a path built
    # from __file__ would point inside the bundle (read-only, or an .app's signature).
    offenders = [
        str(path.relative_to(REPO))
        for path in (REPO / "src" / "workbench").rglob("*.py")
        if "__file__" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
