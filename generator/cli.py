"""The `v6r-codegen` command line: generate, check, validate, ir.

Exit status: 0 done, 1 the schema is invalid or generated/ is stale, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from generator import resources
from generator.errors import SchemaError
from generator.targets import TARGETS

OK, FAILED, USAGE = 0, 1, 2
BUNDLED_SCHEMA_NAME = "schema/v6r-memory.yaml"


def _schema_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--schema",
        type=Path,
        default=None,
        help="the schema file (default: schema/v6r-memory.yaml, the bundled V6R schema)",
    )


def _targets_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--target",
        action="append",
        choices=TARGETS,
        help="generate only this target (repeatable; default: all of %(choices)s)",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("generated"), help="output folder (default: generated)"
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="do not use or fill the formatting cache"
    )


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="v6r-codegen",
        description="Generate Python, TypeScript and Go bindings and documents from one YAML schema.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    g = sub.add_parser(
        "generate",
        help="write the generated files",
        description="Render every target and write "
        "what changed; remove generated files that no longer belong. Prints what it wrote, left "
        "unchanged and removed.",
    )
    _schema_arg(g)
    _targets_arg(g)
    g.add_argument(
        "--timings", action="store_true", help="print the time each stage took to stderr"
    )

    c = sub.add_parser(
        "check",
        help="fail if the generated files are stale",
        description="Render in memory and "
        "compare with the output folder; exit 1 with a unified diff and the command that fixes it.",
    )
    _schema_arg(c)
    _targets_arg(c)

    v = sub.add_parser(
        "validate",
        help="check a schema and print every problem",
        description="Print every " "problem as FILE:LINE:COL: message; exit 1 if there is any.",
    )
    v.add_argument("file", type=Path, help="the schema file")

    i = sub.add_parser(
        "ir",
        help="print the intermediate representation as JSON",
        description="Validate the schema and print its IR as JSON.",
    )
    i.add_argument("file", type=Path, help="the schema file")
    return p


def _schema_path(arg: Path | None) -> Path:
    return arg if arg is not None else resources.default_schema()


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from generator import pipeline, write  # after argument parsing, so --help stays instant

    try:
        if args.command in ("validate", "ir"):
            display = pipeline.display_name(args.file)
            if args.command == "ir":
                schema = pipeline.load_schema(args.file, display)
                from generator.ir.dump import dump

                sys.stdout.write(dump(schema))
            else:
                schema = pipeline.validate_schema(args.file, display)
                print(f"{display}: ok ({len(schema.types)} types)")
            return OK

        path = _schema_path(args.schema)
        # The bundled schema is named by its place in this project wherever it is installed, so an
        # installed v6r-codegen writes the same bytes as the committed generated/ folder.
        display = pipeline.display_name(path) if args.schema else BUNDLED_SCHEMA_NAME
        targets = args.target or list(TARGETS)
        result = pipeline.generate(path, display, targets, use_cache=not args.no_cache)
        plan = write.plan(result.outputs, args.out, result.roots)
        if args.command == "check":
            if plan.clean:
                print(f"{args.out}: up to date ({len(plan.unchanged)} files)")
                return OK
            sys.stdout.write(write.diff(plan, args.out))
            fix = ["v6r-codegen generate"]
            if args.schema is not None:
                fix.append(f"--schema {args.schema}")
            if args.out != Path("generated"):
                fix.append(f"--out {args.out}")
            fix.extend(f"--target {t}" for t in args.target or [])
            print(
                f"\n{args.out} is stale: {len(plan.write)} to write, {len(plan.remove)} to remove. "
                f"Run: {' '.join(fix)}",
                file=sys.stderr,
            )
            return FAILED
        write.apply(plan, args.out)
        for rel in plan.write:
            print(f"wrote      {args.out / rel}")
        for rel in plan.remove:
            print(f"removed    {args.out / rel}")
        print(
            f"{len(plan.write)} written, {len(plan.unchanged)} unchanged, {len(plan.remove)} removed"
        )
        if args.timings:
            print(json.dumps({k: round(v, 4) for k, v in result.timings.items()}), file=sys.stderr)
        return OK
    except SchemaError as exc:
        print(exc, file=sys.stderr)
        count = len(exc.diagnostics)
        print(f"{count} problem{'s' if count != 1 else ''}", file=sys.stderr)
        return FAILED


if __name__ == "__main__":
    sys.exit(main())
