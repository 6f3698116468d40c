"""python-hcl2's LALR parser, from parse tables shipped in the package instead of built per process.

Building the tables from python-hcl2's grammar (``hcl2/hcl2.lark``) takes lark about 1.8 s. python-hcl2
saves them as a pickle next to itself in site-packages (``.lark_cache.bin``), so the first run after
``pip install`` pays that, every run pays it where site-packages is read-only (a container, a
system package), and the pickle is code that runs on load. Instead, ``scripts/gen_hcl_tables.py``
writes lark's own serialisation of the tables (``Lark.memo_serialize``: dicts, lists, strings and
numbers only) as JSON into ``_data/hcl2_lalr.json``, stamped with the sha256 of the grammar it was
built from and lark's version. At run time the installed grammar is hashed (16 kB); when the stamp
matches, the tables are loaded (about a tenth of the build time), otherwise they are built from
the grammar exactly as python-hcl2 builds them, in memory. Nothing is written anywhere.

The parser is the same object python-hcl2's ``parses_to_tree`` uses: same grammar, LALR with the
contextual lexer, ``propagate_positions``, python-hcl2's PostLexer; ``tests/sources/
test_hcl_tables.py`` parses every fixture with both and compares trees and positions.
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

FORMAT = 1
DATA_FILE = "hcl2_lalr.json"


def grammar_path() -> Path:
    """The grammar file of the installed python-hcl2."""
    import hcl2.parser  # noqa: PLC0415 -- imported with the parser only

    return Path(hcl2.parser.__file__).parent / "hcl2.lark"


def stamp() -> dict[str, Any]:
    """What the shipped tables must have been built from to be used."""
    import lark  # noqa: PLC0415

    return {
        "format": FORMAT,
        "grammar_sha256": hashlib.sha256(grammar_path().read_bytes()).hexdigest(),
        "lark": lark.__version__,
    }


def build() -> Any:
    """The parser built from the grammar, as python-hcl2's ``parser()`` builds it (without its
    pickle cache)."""
    from hcl2.postlexer import PostLexer  # noqa: PLC0415
    from lark import Lark  # noqa: PLC0415

    return Lark.open(
        "hcl2.lark",
        parser="lalr",
        rel_to=str(grammar_path()),
        propagate_positions=True,
        postlex=PostLexer(),
    )


def serialize(parser: Any) -> dict[str, Any]:
    """The tables of ``parser`` as a JSON-able document, with the stamp they match."""
    from lark.grammar import Rule  # noqa: PLC0415
    from lark.lexer import TerminalDef  # noqa: PLC0415

    data, memo = parser.memo_serialize([TerminalDef, Rule])
    data = dict(data)
    data["options"] = {**data["options"], "postlex": None}  # an object: given again at load
    tables = data["parser"]["parser"]
    states = tables["states"]
    data["parser"] = {
        **data["parser"],
        "parser": {**tables, "states": _pack_states(states)},
    }
    return {"stamp": stamp(), "data": _encode(data), "memo": _encode(memo)}


def load(document: dict[str, Any]) -> Any:
    """The parser from a document :func:`serialize` wrote."""
    from hcl2.postlexer import PostLexer  # noqa: PLC0415
    from lark import Lark  # noqa: PLC0415

    data = _decode(document["data"])
    tables = data["parser"]["parser"]
    tables["states"] = _unpack_states(tables["states"])
    return Lark._load_from_dict(data, _decode(document["memo"]), postlex=PostLexer())  # type: ignore[no-untyped-call]


@functools.cache
def parser() -> Any:
    """The HCL parser: from the shipped tables when they match the installed grammar and lark,
    else built. Called once per process (prefetch calls it before starting workers, which
    inherit it)."""
    try:
        document = json.loads((resources.files("eks_ip_lint.sources") / "_data" / DATA_FILE).read_bytes())
    except (OSError, ValueError):
        return build()
    if not isinstance(document, dict) or document.get("stamp") != stamp():
        return build()
    try:
        return load(document)
    except Exception:  # tables of another lark layout: building is always correct
        return build()


# --- JSON encoding of lark's serialisation ----------------------------------------------------
# lark's data has int-keyed dicts and tuples; JSON has neither. Tagged objects carry them.


def _encode(o: Any) -> Any:
    if isinstance(o, dict):
        if all(isinstance(k, str) for k in o):
            return {k: _encode(v) for k, v in o.items()}
        return {"__items__": [[_encode(k), _encode(v)] for k, v in o.items()]}
    if isinstance(o, tuple):
        return {"__tuple__": [_encode(v) for v in o]}
    if isinstance(o, list):
        return [_encode(v) for v in o]
    if o is None or isinstance(o, (str, int, float, bool)):
        return o
    raise TypeError(f"cannot serialise {type(o).__name__} in the HCL tables")


def _decode(o: Any) -> Any:
    if isinstance(o, dict):
        if len(o) == 1 and "__items__" in o:
            return {_decode(k): _decode(v) for k, v in o["__items__"]}
        if len(o) == 1 and "__tuple__" in o:
            return tuple(_decode(v) for v in o["__tuple__"])
        return {k: _decode(v) for k, v in o.items()}
    if isinstance(o, list):
        return [_decode(v) for v in o]
    return o


# The parse table is nine tenths of the data: {state: {token: (0, next state) | (1, {"@": rule})}}
# packed as [state, [token, action, argument, token, action, argument...]] (ints only).


def _pack_states(states: dict[int, dict[int, tuple[int, Any]]]) -> list[Any]:
    out: list[Any] = []
    for state, actions in states.items():
        flat: list[int] = []
        for token, (action, argument) in actions.items():
            flat += [token, action, argument["@"] if action == 1 else argument]
        out.append([state, flat])
    return out


def _unpack_states(packed: list[Any]) -> dict[int, dict[int, tuple[int, Any]]]:
    states: dict[int, dict[int, tuple[int, Any]]] = {}
    for state, flat in packed:
        actions: dict[int, tuple[int, Any]] = {}
        for i in range(0, len(flat), 3):
            action, argument = flat[i + 1], flat[i + 2]
            actions[flat[i]] = (action, {"@": argument}) if action == 1 else (action, argument)
        states[state] = actions
    return states
