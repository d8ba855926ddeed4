"""SQL is parameterised everywhere: no statement is built from strings at run time."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from leadscout.db.queries import QUERIES

SRC = Path(__file__).resolve().parents[2] / "src" / "leadscout"


def _built_from_strings(node: ast.expr) -> bool:
    """An f-string, a % or + of strings, or "...".format(...): SQL text made at run time."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        inner = node.func.value  # sql.SQL("...").format(sql.Identifier(...)) composes safely
        return not (isinstance(inner, ast.Call) and getattr(inner.func, "attr", "") == "SQL")
    return False


def test_no_execute_call_gets_sql_built_from_strings() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            is_execute = isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("execute", "executemany")
            if is_execute and node.args and _built_from_strings(node.args[0]):  # type: ignore[attr-defined]
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert offenders == []


def test_the_scan_catches_what_it_is_meant_to_catch() -> None:
    bad = [
        'conn.execute(f"SELECT * FROM t WHERE id = {x}")',
        'conn.execute("SELECT * FROM t WHERE id = %s" % x)',
        'conn.execute("SELECT * FROM t WHERE id = " + x)',
        'conn.execute("SELECT * FROM t WHERE id = {}".format(x))',
    ]
    good = [
        'conn.execute("SELECT * FROM t WHERE id = %s", [x])',
        "cur.execute(QUERIES[name], params)",
        'conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))',
    ]
    for source, expected in [(s, True) for s in bad] + [(s, False) for s in good]:
        call = ast.parse(source).body[0].value  # type: ignore[attr-defined]
        assert _built_from_strings(call.args[0]) is expected, source


def test_named_queries_use_only_named_placeholders() -> None:
    for name, sql in QUERIES.items():
        assert not re.search(r"%[sdbr]\b|\{[a-z_]+\}", sql), f"{name} uses positional or str.format placeholders"
        assert re.fullmatch(r"[a-z_]+", name)
