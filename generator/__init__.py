"""v6r-codegen: one YAML schema in, Python/TypeScript/Go bindings and documents out.

The pipeline, one module per stage, each usable alone:

    load (loader.py) -> validate (validate.py) -> IR (ir/) -> targets (targets/) -> render (render.py)
    -> format (format.py) -> write (write.py)

`pipeline.py` strings them together; `cli.py` is the command line.
"""
