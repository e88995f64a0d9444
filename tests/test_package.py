"""The built package is complete: `python -m build` (the sdist, then the wheel built from that
sdist, as pip builds one) carries every file the plugin reads at run time, its version is the
package's, and `twine check` accepts it. Needs the source tree (a git checkout); the suite run
against an installed wheel (dev/test_installed.sh) leaves this module out."""
from __future__ import annotations

import ast
import fnmatch
import importlib
import pkgutil
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = "ckanext/pm25"

# Files git tracks under ckanext/ that the wheel leaves out on purpose: nothing reads them at run
# time. Everything else tracked there must be in the wheel.
NOT_READ_AT_RUN_TIME = (
    "ckanext/pm25/i18n/th-*.txt",            # translators' inputs: dev/i18n.sh merges them into the .po
    "ckanext/pm25/i18n/ckanext-pm25.pot",    # the extraction template dev/i18n.sh writes
)

# Where the configuration a site copies names package files (`ckanext.pm25:path`).
CONFIG_SOURCES = ("README.rst", "test.ini", "dev/run.sh")
PACKAGE_REFERENCE = re.compile(r"ckanext\.pm25:([\w./-]+)")

# The calls in plugin.py that hand CKAN a folder of the package.
FOLDER_CALLS = {"add_template_directory", "add_public_directory", "add_resource"}


@dataclass(frozen=True)
class Built:
    sdist: Path
    wheel: Path
    wheel_names: frozenset[str]
    sdist_names: frozenset[str]


def tracked_files() -> list[str]:
    listing = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, text=True)
    if listing.returncode != 0:
        pytest.skip(f"needs the source tree as a git checkout ({listing.stderr.strip()})")
    return [name for name in listing.stdout.split("\0") if name]


def _build(tmp: Path) -> Built:
    """Builds from a copy of the tracked files, so nothing left over in the checkout (build/,
    *.egg-info, untracked files) reaches the package."""
    source = tmp / "source"
    for name in tracked_files():
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    dist = tmp / "dist"
    result = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(source)],
                            capture_output=True, text=True)
    assert result.returncode == 0, f"python -m build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    (sdist,) = dist.glob("*.tar.gz")
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        wheel_names = frozenset(archive.namelist())
    with tarfile.open(sdist) as archive:
        top = sdist.name.removesuffix(".tar.gz") + "/"
        sdist_names = frozenset(member.name.removeprefix(top) for member in archive.getmembers() if member.isfile())
    return Built(sdist, wheel, wheel_names, sdist_names)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    yield _build(tmp_path_factory.mktemp("package"))


def package_files_read_at_run_time() -> set[str]:
    return {name for name in tracked_files()
            if name.startswith("ckanext/")
            and not any(fnmatch.fnmatch(name, pattern) for pattern in NOT_READ_AT_RUN_TIME)}


def package_paths_of_module_constants() -> set[str]:
    """Every module-level Path of the package that points into it (plugin.LICENSES_FILE,
    demo.loader.DEMO_FILE, …), as a path inside the wheel."""
    import ckanext.pm25 as package

    package_dir = Path(package.__file__).resolve().parent
    found: set[str] = set()
    for module_info in pkgutil.walk_packages(package.__path__, prefix="ckanext.pm25."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if isinstance(value, Path) and value.resolve().is_relative_to(package_dir):
                found.add(f"{PACKAGE_DIR}/{value.resolve().relative_to(package_dir).as_posix()}")
    return found


def folders_handed_to_ckan() -> set[str]:
    tree = ast.parse((ROOT / PACKAGE_DIR / "plugin.py").read_text(encoding="utf-8"))
    folders = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in FOLDER_CALLS):
            for argument in node.args:
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    folders.add(f"{PACKAGE_DIR}/{argument.value}")
                    break
    return folders


def configured_package_files() -> set[str]:
    return {f"{PACKAGE_DIR}/{path}"
            for source in CONFIG_SOURCES
            for path in PACKAGE_REFERENCE.findall((ROOT / source).read_text(encoding="utf-8"))}


def test_the_wheel_carries_every_tracked_package_file_and_nothing_else(built: Built) -> None:
    in_wheel = {name for name in built.wheel_names if not name.startswith("ckanext_pm25-")}
    wanted = package_files_read_at_run_time()

    assert not wanted - in_wheel, f"missing from the wheel: {sorted(wanted - in_wheel)}"
    assert not in_wheel - wanted, f"in the wheel but not tracked (or excluded): {sorted(in_wheel - wanted)}"


def test_every_file_the_code_names_is_in_the_wheel(built: Built) -> None:
    constants = package_paths_of_module_constants()
    assert f"{PACKAGE_DIR}/schemas/licenses.json" in constants  # plugin.LICENSES_FILE

    assert not constants - built.wheel_names, f"missing from the wheel: {sorted(constants - built.wheel_names)}"


def test_the_folders_plugin_py_hands_to_ckan_are_in_the_wheel(built: Built) -> None:
    folders = folders_handed_to_ckan()
    assert folders == {f"{PACKAGE_DIR}/templates", f"{PACKAGE_DIR}/assets"}

    for folder in folders:
        assert any(name.startswith(folder + "/") for name in built.wheel_names), folder
    assert f"{PACKAGE_DIR}/assets/webassets.yml" in built.wheel_names


def test_the_files_the_configuration_names_are_in_the_wheel(built: Built) -> None:
    named = configured_package_files()
    assert f"{PACKAGE_DIR}/schemas/pm25_dataset.yaml" in named

    assert not named - built.wheel_names, f"missing from the wheel: {sorted(named - built.wheel_names)}"


def test_what_ckan_itself_reads_is_in_the_wheel(built: Built) -> None:
    """Config declarations (the blanket decorator), translations (.mo; CKAN builds the JavaScript
    ones from the .po) and the plugin's migrations (ckan db upgrade -p pm25)."""
    migration = f"{PACKAGE_DIR}/migration/pm25"
    expected = {f"{PACKAGE_DIR}/config_declaration.yaml",
                f"{PACKAGE_DIR}/i18n/th/LC_MESSAGES/ckanext-pm25.mo",
                f"{PACKAGE_DIR}/i18n/th/LC_MESSAGES/ckanext-pm25.po",
                f"{migration}/alembic.ini", f"{migration}/env.py", f"{migration}/script.py.mako"}

    assert not expected - built.wheel_names, f"missing from the wheel: {sorted(expected - built.wheel_names)}"
    assert any(fnmatch.fnmatch(name, f"{migration}/versions/*.py") for name in built.wheel_names)


def test_the_sdist_carries_the_whole_source_of_the_plugin(built: Built) -> None:
    tracked = tracked_files()
    wanted = ({name for name in tracked if name.startswith(("ckanext/", "tests/", "docs/"))}
              | {"README.rst", "CHANGELOG.rst", "LICENSE", "pyproject.toml", "MANIFEST.in", "babel.cfg", "test.ini"})

    assert not wanted - built.sdist_names, f"missing from the sdist: {sorted(wanted - built.sdist_names)}"


def test_the_package_version_is_the_one_in_the_code(built: Built) -> None:
    import ckanext.pm25

    version = ckanext.pm25.__version__
    with zipfile.ZipFile(built.wheel) as archive:
        metadata = archive.read(f"ckanext_pm25-{version}.dist-info/METADATA").decode()

    assert built.wheel.name == f"ckanext_pm25-{version}-py3-none-any.whl"
    assert built.sdist.name == f"ckanext_pm25-{version}.tar.gz"
    assert f"\nVersion: {version}\n" in metadata
    changelog = (ROOT / "CHANGELOG.rst").read_text(encoding="utf-8")
    assert re.search(rf"^{re.escape(version)}\b", changelog, re.MULTILINE), "CHANGELOG.rst has no section for it"


def test_the_licence_ships_with_both_distributions(built: Built) -> None:
    import ckanext.pm25

    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    with zipfile.ZipFile(built.wheel) as archive:
        info = f"ckanext_pm25-{ckanext.pm25.__version__}.dist-info"
        metadata = archive.read(f"{info}/METADATA").decode()
        shipped = archive.read(f"{info}/licenses/LICENSE").decode()

    assert "GNU AFFERO GENERAL PUBLIC LICENSE" in licence and "Version 3, 19 November 2007" in licence
    assert shipped == licence
    assert "\nLicense-Expression: AGPL-3.0-or-later\n" in metadata
    assert "LICENSE" in built.sdist_names


def test_twine_accepts_the_distributions(built: Built) -> None:
    result = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", str(built.sdist), str(built.wheel)],
                            capture_output=True, text=True)

    assert result.returncode == 0, result.stdout + result.stderr
