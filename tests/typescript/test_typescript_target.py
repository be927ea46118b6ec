"""The TypeScript target on every golden schema: the generated package passes tsc --strict (with
exactOptionalPropertyTypes and noUncheckedIndexedAccess), hostile strings read back exactly, and names that
collide only in TypeScript are errors naming both places.

Needs the npm packages of tests/typescript (installed here from the committed lock when missing).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from generator import pipeline
from generator.errors import SchemaError
from generator.targets import typescript
from generator.targets.context import RenderContext

HERE = Path(__file__).resolve().parent
GOLDEN = HERE.parent / "golden"
CASES = sorted(
    p.parent.name for p in GOLDEN.glob("*/schema.yaml") if not (p.parent / "error.txt").exists()
)
BIN = HERE / "node_modules" / ".bin"


def write_case(schema_file: Path, out: Path) -> Path:
    schema = pipeline.load_schema(schema_file, "schema.yaml")
    files = typescript.render(schema, RenderContext("schema.yaml"))
    for rel, text in files.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return out / typescript.ROOT


def run_ts(source: str, folder: Path, stdin: str | None = None) -> str:
    """Bundle a TypeScript program (esbuild, for node) in `folder`, run it, and return what it printed."""
    script = folder / "program.ts"
    script.write_text(source, encoding="utf-8")
    bundle = folder / "program.mjs"
    subprocess.run(
        [str(BIN / "esbuild"), str(script), "--bundle", "--platform=node", "--format=esm",
         f"--outfile={bundle}", "--log-level=warning"],
        check=True,
    )  # fmt: skip
    run = subprocess.run(
        ["node", str(bundle)], input=stdin, capture_output=True, text=True, check=True
    )
    return run.stdout


def type_check(package: Path, node_modules: Path) -> None:
    """tsc --strict (the package's own tsconfig) on a generated package."""
    result = subprocess.run(
        [str(BIN / "tsc"), "-p", str(package / "tsconfig.json"), "--noEmit",
         "--typeRoots", str(node_modules / "@types")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("case", CASES)
def test_golden_case_type_checks(case: str, tmp_path: Path, node_modules: Path) -> None:
    package = write_case(GOLDEN / case / "schema.yaml", tmp_path)
    type_check(package, node_modules)


def test_bundled_schema_type_checks(tmp_path: Path, node_modules: Path) -> None:
    from generator import resources

    package = write_case(resources.default_schema(), tmp_path)
    assert (package / "src/react/hooks.ts").exists()
    type_check(package, node_modules)


def test_hostile_strings_read_back_exactly(tmp_path: Path, node_modules: Path) -> None:
    case = GOLDEN / "hostile_strings"
    expected = yaml.safe_load((case / "schema.yaml").read_text(encoding="utf-8"))
    package = write_case(case / "schema.yaml", tmp_path)
    source = (
        'import { hostileValues, HOSTILE_TEXT, HOSTILE_LIST } from "'
        + (package / "src/constants.ts").as_posix()
        + '";\n'
        'import { decode, encode } from "' + (package / "src/index.ts").as_posix() + '";\n'
        "const holder = decode('Holder', encode('Holder', { choice: hostileValues[1]! }));\n"
        "console.log(JSON.stringify({ values: hostileValues, text: HOSTILE_TEXT, list: HOSTILE_LIST,"
        " roundTrip: holder.tag === 'ok' ? holder.val.choice : null,"
        " defaulted: holder.tag === 'ok' ? holder.val.text : null }));\n"
    )
    out = json.loads(run_ts(source, tmp_path))
    assert out["values"] == expected["types"]["Hostile"]["enum"]
    assert out["text"] == expected["constants"]["hostile_text"]["value"]
    assert out["list"] == expected["constants"]["hostile_list"]["value"]
    assert out["roundTrip"] == expected["types"]["Hostile"]["enum"][1]
    assert out["defaulted"] == expected["types"]["Holder"]["properties"]["text"]["default"]
    for path in (package / "src").rglob("*.ts"):
        text = path.read_text(encoding="utf-8")
        assert not any(ch in text for ch in "\u2028\u2029\u202e\u2066\x00"), path


def test_typescript_only_collision_names_both_places(tmp_path: Path) -> None:
    schema_file = tmp_path / "schema.yaml"
    schema_file.write_text(
        "v6r: 1\nname: clash\ntitle: Clash\nversion: 1.0.0\ndescription: Fields that meet in camelCase.\n"
        "types:\n  Thing:\n    description: A thing.\n    type: object\n    properties:\n"
        "      x1: {type: string, description: One.}\n      x_1: {type: string, description: Other.}\n"
        "    required: [x1]\n",
        encoding="utf-8",
    )
    schema = pipeline.load_schema(schema_file, "schema.yaml")
    with pytest.raises(SchemaError) as raised:
        typescript.check(schema)
    message = str(raised.value)
    assert "'x_1' and 'x1' (at schema.yaml:11:7)" in message and "'x1'" in message
    assert "schema.yaml:12:7" in message


def test_core_and_react_entries_do_not_load_the_constants_module(
    tmp_path: Path, node_modules: Path
) -> None:
    """The ./constants entry is only loaded by who imports it: the core and React entries import none of it,
    so a bundler that keeps whole modules (Metro) leaves it out too."""
    from generator import resources

    package = write_case(resources.default_schema(), tmp_path)
    for entry in ("src/index.ts", "src/react/index.ts"):
        meta = tmp_path / "meta.json"
        subprocess.run(
            [str(BIN / "esbuild"), str(package / entry), "--bundle", "--format=esm", "--external:react",
             f"--metafile={meta}", "--outfile=/dev/null", "--log-level=warning"],
            check=True,
        )  # fmt: skip
        inputs = {Path(p).name for p in json.loads(meta.read_text(encoding="utf-8"))["inputs"]}
        assert "rules.ts" in inputs and "codec.ts" in inputs, (entry, inputs)
        assert "constants.ts" not in inputs, (entry, inputs)
    exports = json.loads((package / "package.json").read_text(encoding="utf-8"))["exports"]
    assert exports["./constants"]["default"] == "./dist/constants.js"


def test_the_package_builds_and_its_three_entries_resolve_by_name(
    tmp_path: Path, node_modules: Path
) -> None:
    """What a team gets from `npm run build` and a publish: tsc emits dist/, and Node and TypeScript (NodeNext)
    reach `.`, `./constants` and `./react` by the package's own name through its `exports`."""
    from generator import resources

    package = write_case(resources.default_schema(), tmp_path / "gen")
    build = subprocess.run(
        [str(BIN / "tsc"), "-p", str(package / "tsconfig.json"), "--typeRoots", str(node_modules / "@types")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert build.returncode == 0, build.stdout + build.stderr
    app = tmp_path / "app"
    scope = app / "node_modules" / "@flight"
    scope.mkdir(parents=True)
    name = json.loads((package / "package.json").read_text(encoding="utf-8"))["name"]
    # a copy, as npm installs it: Node resolves `react` from where the package really is
    shutil.copytree(package, scope / name.split("/")[1])
    for dependency in ("react", "@types"):
        (app / "node_modules" / dependency).symlink_to(node_modules / dependency)
    (app / "package.json").write_text('{"type": "module"}', encoding="utf-8")
    program = (
        f'import * as core from "{name}";\n'
        f'import * as constants from "{name}/constants";\n'
        f'import {{ useMemoryMonitor }} from "{name}/react";\n'
        'const decoded = core.decode(\'MemorySize\', \'{"bytes": 18446744073709551615, "human_readable": "x"}\');\n'
        "if (decoded.tag !== 'ok') throw new Error(decoded.val.message);\n"
        "console.log(JSON.stringify({ bytes: String(decoded.val.bytes), units: constants.SIZE_UNITS,\n"
        "  sameUnits: constants.SIZE_UNITS === core.SIZE_UNITS, profiles: constants.PLATFORM_PROFILES.length,\n"
        "  coreHasProfiles: 'PLATFORM_PROFILES' in core, hook: typeof useMemoryMonitor }));\n"
    )
    (app / "main.ts").write_text(program, encoding="utf-8")
    tsconfig = {
        "compilerOptions": {
            "module": "NodeNext", "moduleResolution": "NodeNext", "target": "ES2020", "strict": True,
            "lib": ["ES2020", "DOM"], "types": ["node"], "noEmit": True, "skipLibCheck": False,
        },
        "files": ["main.ts"],
    }  # fmt: skip
    (app / "tsconfig.json").write_text(json.dumps(tsconfig), encoding="utf-8")
    check = subprocess.run([str(BIN / "tsc"), "-p", str(app)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    (app / "main.mjs").write_text(program, encoding="utf-8")  # the program is plain JavaScript too
    run = subprocess.run(["node", "main.mjs"], cwd=app, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {
        "bytes": "18446744073709551615",
        "units": ["B", "KB", "MB", "GB", "TB"],
        "sameUnits": True,
        "profiles": 6,
        "coreHasProfiles": False,
        "hook": "function",
    }


def test_the_package_readme_examples_compile(node_modules: Path) -> None:
    """Every TypeScript block of the generated package's README type-checks against the package under the
    tests' strict tsconfig, so the documentation cannot drift from the API it shows."""
    readme = (HERE.parents[1] / "generated" / "typescript" / "README.md").read_text(
        encoding="utf-8"
    )
    blocks = re.findall(r"^```(tsx?)\n(.*?)^```$", readme, re.M | re.S)
    assert len(blocks) >= 4, blocks
    folder = HERE / ".build" / "readme"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for index, (extension, code) in enumerate(blocks):
        # the examples' one free name: the JSON text being decoded
        (folder / f"block{index}.{extension}").write_text(
            "declare const text: string;\n" + code, "utf-8"
        )
    config = {"extends": "../../tsconfig.json", "include": ["*.ts", "*.tsx"], "exclude": []}
    (folder / "tsconfig.json").write_text(json.dumps(config), encoding="utf-8")
    check = subprocess.run([str(BIN / "tsc"), "-p", str(folder)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
