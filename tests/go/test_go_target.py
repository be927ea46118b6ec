"""The Go target: every golden schema's Go compiles (go vet), hostile strings read back exactly, and the
Go pool gives byte-for-byte the Python pool's results for thousands of random operations."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator import pipeline
from generator.targets.context import RenderContext

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
CASES = sorted(
    p.parent.name for p in GOLDEN.glob("*/schema.yaml") if not (p.parent / "error.txt").exists()
)
GO = shutil.which("go")
if GO is None:
    raise RuntimeError(
        "the Go toolchain is needed (make test runs go vet and go test): go is not on PATH"
    )


def _write_go(schema_file: Path, out: Path) -> None:
    from generator.targets import go

    schema = pipeline.load_schema(schema_file, "schema.yaml")
    for rel, text in go.render(schema, RenderContext("schema.yaml")).items():
        path = out / rel.relative_to(go.ROOT)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("name", CASES)
def test_golden_go_compiles(name: str, tmp_path: Path) -> None:
    _write_go(GOLDEN / name / "schema.yaml", tmp_path)
    fmt = subprocess.run(["gofmt", "-l", "."], cwd=tmp_path, capture_output=True, text=True)
    assert fmt.stdout == "" and fmt.returncode == 0, fmt.stdout + fmt.stderr
    vet = subprocess.run([GO, "vet", "./..."], cwd=tmp_path, capture_output=True, text=True)
    assert vet.returncode == 0, vet.stderr


def test_size_decimals_past_64_bits_is_a_located_error(tmp_path: Path) -> None:
    """HumanReadable scales by 10^size_decimals in 64 bits, so the Go target refuses more than 19 decimals,
    naming the constant's place in the schema."""
    from generator.errors import SchemaError
    from generator.targets import go

    text = (ROOT / "schema" / "v6r-memory.yaml").read_text(encoding="utf-8")
    start = text.index("  size_decimals:")
    old = text[start:].index("    value: 1\n") + start
    line = text[:start].count("\n") + 1  # the constant's own line
    schema_file = tmp_path / "schema.yaml"
    for decimals, accepted in ((19, True), (20, False)):
        schema_file.write_text(
            text[:old] + f"    value: {decimals}\n" + text[old + 13 :], encoding="utf-8"
        )
        schema = pipeline.load_schema(schema_file, "schema.yaml")
        if accepted:
            go.render(schema, RenderContext("schema.yaml"))
            continue
        with pytest.raises(SchemaError) as info:
            go.render(schema, RenderContext("schema.yaml"))
        (diagnostic,) = info.value.diagnostics
        assert "size_decimals must be an integer from 0 to 19" in diagnostic.message
        assert (diagnostic.location.file, diagnostic.location.line) == ("schema.yaml", line)


def test_hostile_strings_read_back(tmp_path: Path) -> None:
    case = GOLDEN / "hostile_strings" / "schema.yaml"
    _write_go(case, tmp_path)
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    module = (tmp_path / "go.mod").read_text().split()[1]
    main = tmp_path / "cmd" / "readback" / "main.go"
    main.parent.mkdir(parents=True)
    main.write_text(
        'package main\n\nimport (\n\t"encoding/json"\n\t"os"\n\n\th "' + module + '"\n)\n\n'
        "func main() {\n"
        '\tjson.NewEncoder(os.Stdout).Encode(map[string]any{"text": h.HostileText, '
        '"list": h.HostileList, "valid": h.Hostile(os.Args[1]).Valid()})\n}\n',
        encoding="utf-8",
    )
    for value in data["types"]["Hostile"]["enum"]:
        if "\0" in value:
            continue  # an argv entry cannot hold NUL; the constants below still carry it
        out = subprocess.run(
            [GO, "run", "./cmd/readback", value], cwd=tmp_path, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        got = json.loads(out.stdout)
        assert got["valid"] is True, value
        assert got["text"] == data["constants"]["hostile_text"]["value"]
        assert got["list"] == data["constants"]["hostile_list"]["value"]


def _ops(seed: int, count: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    sessions = ["s-a", "s-b", "s-c", "s-d", "s-e"]
    issued = 0
    ops: list[dict[str, object]] = []
    for _ in range(count):
        kind = rng.choices(
            ["configure", "allocate", "free", "snapshot", "stats", "allocations"],
            [3, 50, 30, 5, 5, 3],
        )[0]
        session = rng.choice(sessions)
        if kind == "configure":
            body: dict[str, object] = {"user_id": "u", "vm_size": rng.choice(["small", "medium"])}
            if rng.random() < 0.3:
                limit = rng.choice([1 << 20, 1 << 28, 1 << 29, 0])
                size = {"bytes": limit, "human_readable": "x"}
                body["limits"] = {
                    k: size
                    for k in ("heap_max", "stack_max", "cache_max", "soft_limit", "hard_limit")
                }
            ops.append({"op": kind, "session": session, "body": body})
        elif kind == "allocate":
            size = rng.choice(
                [
                    0,
                    1,
                    15,
                    16,
                    17,
                    rng.randrange(1, 1 << 12),
                    rng.randrange(1, 1 << 24),
                    rng.randrange(1, 1 << 29),
                    1 << 29,
                    (1 << 30) + 1,
                ]
            )
            purpose = rng.choice(["vm-heap", "temporary", "asset-cache", "wasm-linear"])
            ops.append(
                {
                    "op": kind,
                    "session": session,
                    "body": {"session_id": session, "size": {"bytes": size}, "purpose": purpose},
                }
            )
            issued += 1
        elif kind == "free":
            ident = rng.choice(
                [
                    f"alloc-{rng.randint(1, max(issued, 1))}",
                    "alloc-0",
                    "alloc-01",
                    "nope",
                    "alloc-99999",
                ]
            )
            ops.append({"op": kind, "id": ident})
        else:
            ops.append({"op": kind, "session": session})
    return ops


def _python_results(ops: list[dict[str, object]]) -> list[str]:
    sys.path.insert(0, str(ROOT / "generated" / "python"))
    try:
        from v6r_memory import AllocateRequest, ConfigureRequest, MemoryPool, PoolSettings
    finally:
        sys.path.pop(0)
    pool = MemoryPool(
        PoolSettings(max_sessions=4, max_allocations_per_session=50, freed_history=5),
        clock=lambda: 1640995200000,
    )
    out = []
    for op in ops:
        kind = op["op"]
        if kind == "configure":
            result = pool.configure(str(op["session"]), ConfigureRequest.from_data(op["body"]))
        elif kind == "allocate":
            result = pool.allocate(AllocateRequest.from_data(op["body"]))
        elif kind == "free":
            result = pool.free(str(op["id"]))
        else:
            result = getattr(pool, str(kind))(str(op["session"]))
        out.append(result.to_wire())
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_go_pool_matches_python_pool(seed: int) -> None:
    ops = _ops(seed, 3000)
    expected = _python_results(ops)
    run = subprocess.run(
        [GO, "run", "./cmd/pooltrace"],
        cwd=ROOT / "tests" / "go",
        input="".join(json.dumps(op) + "\n" for op in ops),
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    got = run.stdout.splitlines()
    assert len(got) == len(expected)
    for i, (g, e) in enumerate(zip(got, expected, strict=True)):
        assert g == e, f"operation {i} {ops[i]}:\n go:     {g}\n python: {e}"
