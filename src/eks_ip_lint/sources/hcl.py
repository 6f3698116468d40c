"""Parse HCL files with python-hcl2 and convert its parse tree into :mod:`hcl_ast` records.

This module and :mod:`hcl_tables` (the parser itself) are the only importers of ``hcl2`` and
``lark``. We read python-hcl2's *parse tree* (``hcl2.parses_to_tree``, with the parser of
:mod:`hcl_tables`), not its dict serialisation: the dict form turns every expression back
into a ``"${...}"`` string that would have to be parsed a second time, and it drops line numbers.
The grammar rule names used below are python-hcl2 8.x's (``hcl2/hcl2.lark``); the dependency is
pinned to that major version, so a grammar change touches this file only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from eks_ip_lint.errors import InputError
from eks_ip_lint.sources import hcl_ast as ast

# Tokens that carry no meaning once the tree shape is known.
_PUNCTUATION = frozenset(
    {
        "LPAR", "RPAR", "LBRACE", "RBRACE", "LSQB", "RSQB", "COMMA", "DOT", "EQ", "COLON",
        "QMARK", "INTERP_START", "DBLQUOTE", "FOR", "IN", "IF", "FOR_OBJECT_ARROW",
        "ATTR_SPLAT", "FULL_SPLAT_START", "COLONS",
    }
)  # fmt: skip

# Deepest expression nesting we convert; deeper input is reported, not a RecursionError.
MAX_DEPTH = 200


def parse_file(path: str, text: str) -> ast.HclFile:
    """Parse one ``.tf``/``.tfvars`` text. Raises InputError with the file and line on bad syntax."""
    tree = _parse_tree(path, text)
    try:
        body = _Converter(path).body(tree.children[0])
    except RecursionError:  # a last resort: MAX_DEPTH keeps the converter well inside the limit
        raise InputError("HCL nesting is too deep to analyse", path, 1) from None
    return ast.HclFile(path=path, body=body)


def parse_expression(text: str, path: str = "<expression>", line: int = 1) -> ast.Expr:
    """Parse a single expression (used for ``--var`` values and heredoc interpolations)."""
    tree = _parse_tree(path, f"__x__ = {text}\n")
    body = _Converter(path, line_offset=line - 1).body(tree.children[0])
    return body.attributes["__x__"].expr


def _parse_tree(path: str, text: str) -> Any:
    from lark.exceptions import LarkError, UnexpectedInput  # noqa: PLC0415

    from eks_ip_lint.sources import hcl_tables  # noqa: PLC0415 -- CloudFormation-only runs never load it

    try:
        # What hcl2.parses_to_tree does, with tables shipped prebuilt instead of a pickle it writes
        # into site-packages (hcl_tables.py); the newline is python-hcl2's workaround for lark#237.
        return hcl_tables.parser().parse(text + "\n")
    except UnexpectedInput as exc:
        reason, at_end = _describe_lark_error(exc)
        last_line = text.count("\n") + (0 if text.endswith("\n") else 1)
        line = last_line if at_end else (getattr(exc, "line", 1) or 1)
        raise InputError(f"HCL syntax error: {reason}", path, max(1, min(line, last_line))) from None
    except LarkError as exc:
        raise InputError(f"HCL syntax error: {str(exc).splitlines()[0]}", path, 1) from None
    except RecursionError:
        raise InputError("HCL nesting is too deep to parse", path, 1) from None


def _describe_lark_error(exc: Any) -> tuple[str, bool]:
    """A one-line reason, and whether the parser ran off the end of the file."""
    token = getattr(exc, "token", None)
    if token is not None:
        if getattr(token, "type", "") == "$END":
            return "unexpected end of file: a block, bracket or string is not closed", True
        first = str(token).split("\n")[0].strip()[:40]
        return (f"unexpected {first!r}" if first else "unexpected end of line"), False
    char = getattr(exc, "char", None)
    if char is not None:
        return f"unexpected character {char!r}", False
    return str(exc).splitlines()[0], False


class _Converter:
    def __init__(self, path: str, line_offset: int = 0) -> None:
        self.path = path
        self.offset = line_offset
        self.depth = 0

    # --- helpers -----------------------------------------------------------------------------

    def _line(self, node: Any) -> int:
        meta = getattr(node, "meta", None)
        line = getattr(meta, "line", None) if meta is not None else getattr(node, "line", None)
        return int(line or 1) + self.offset

    def _end_line(self, node: Any) -> int:
        meta = getattr(node, "meta", None)
        return int(getattr(meta, "end_line", None) or self._line(node) - self.offset) + self.offset

    @staticmethod
    def _significant(node: Any) -> list[Any]:
        """Children without punctuation tokens and newline/comment trees."""
        out = []
        for child in node.children:
            data = getattr(child, "data", None)
            if data is not None:
                if data != "new_line_or_comment":
                    out.append(child)
            elif child.type not in _PUNCTUATION:
                out.append(child)
        return out

    def _name(self, node: Any) -> str:
        """The text of an identifier / keyword / literal_value / string used as a name."""
        data = getattr(node, "data", None)
        if data == "string":
            parts = self._string_parts(node)
            if all(isinstance(p, str) for p in parts):
                return "".join(p for p in parts if isinstance(p, str))
            raise InputError("block label must be a plain string", self.path, self._line(node))
        if data is not None:
            return str(node.children[0])
        return str(node)

    # --- structure ---------------------------------------------------------------------------

    def body(self, node: Any) -> ast.Body:
        # Nested blocks share the expression depth budget: `a { a { ... } }` 10,000 deep is
        # reported like a deep expression, never a RecursionError.
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise InputError(f"blocks nested deeper than {MAX_DEPTH} levels", self.path, self._line(node))
            return self._body(node)
        finally:
            self.depth -= 1

    def _body(self, node: Any) -> ast.Body:
        attributes: dict[str, ast.Attribute] = {}
        blocks: list[ast.Block] = []
        for child in self._significant(node):
            if child.data == "attribute":
                sig = self._significant(child)
                name = self._name(sig[0])
                if name in attributes:
                    raise InputError(
                        f'attribute "{name}" is defined twice (first on line {attributes[name].line})',
                        self.path,
                        self._line(child),
                    )
                attributes[name] = ast.Attribute(name, self.expr(sig[-1]), self._line(child))
            elif child.data == "block":
                sig = self._significant(child)
                names = [self._name(n) for n in sig[:-1]]
                blocks.append(
                    ast.Block(
                        type=names[0],
                        labels=tuple(names[1:]),
                        body=self.body(sig[-1]),
                        line=self._line(child),
                        end_line=self._end_line(child),
                    )
                )
        return ast.Body(attributes=attributes, blocks=tuple(blocks))

    # --- expressions -------------------------------------------------------------------------

    def expr(self, node: Any) -> ast.Expr:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise InputError(
                    f"expression nested deeper than {MAX_DEPTH} levels", self.path, self._line(node)
                )
            return self._expr(node)
        finally:
            self.depth -= 1

    def _expr(self, node: Any) -> ast.Expr:
        line = self._line(node)
        data = getattr(node, "data", None)
        if data is None:  # a bare token
            return ast.Lit(str(node), line)
        sig = self._significant(node)
        if data == "expr_term":
            return self.expr(sig[0])
        if data == "int_lit":
            return ast.Lit(int(str(sig[0])), line)
        if data == "float_lit":
            return ast.Lit(float(str(sig[0])), line)
        if data == "literal_value":
            text = str(sig[0])
            return ast.Lit({"true": True, "false": False, "null": None}[text], line)
        if data == "identifier":
            return ast.Name(str(sig[0]), line)
        if data == "keyword":
            return ast.Name(str(sig[0]), line)
        if data == "string":
            return _template(self._string_parts(node), line)
        if data in ("heredoc_template", "heredoc_template_trim"):
            return self._heredoc(str(sig[0]), trim=data == "heredoc_template_trim", line=line)
        if data == "template_string":
            return ast.Lit(str(sig[0])[2:-2], line)
        if data == "tuple":
            return ast.TupleExpr(tuple(self.expr(c) for c in sig), line)
        if data == "object":
            items = []
            for elem in sig:
                esig = self._significant(elem)
                items.append((self._object_key(esig[0]), self.expr(esig[-1])))
            return ast.ObjectExpr(tuple(items), line)
        if data == "function_call":
            names = [c for c in sig if getattr(c, "data", None) == "identifier"]
            if len(names) > 1:
                return ast.Unsupported("provider-defined function", line)
            args_node = next((c for c in sig if getattr(c, "data", None) == "arguments"), None)
            args: tuple[ast.Expr, ...] = ()
            expand = False
            if args_node is not None:
                args = tuple(self.expr(c) for c in self._significant(args_node) if hasattr(c, "data"))
                expand = any(getattr(t, "type", None) == "ELLIPSIS" for t in args_node.children)
            return ast.Call(self._name(names[0]), args, expand, line)
        if data == "get_attr_expr_term":
            return ast.GetAttr(self.expr(sig[0]), self._get_attr_name(sig[1]), line)
        if data == "index_expr_term":
            return ast.Index(self.expr(sig[0]), self._index_key(sig[1]), line)
        if data in ("attr_splat_expr_term", "full_splat_expr_term"):
            ops: list[ast.SplatAttr | ast.SplatIndex] = []
            raw = self._significant(sig[1])
            for n, op in enumerate(raw):
                if op.data == "get_attr":
                    ops.append(ast.SplatAttr(self._get_attr_name(op)))
                elif data == "attr_splat_expr_term":
                    # The legacy attribute-only splat takes attribute lookups only (HCL spec,
                    # "Splat Operators"): in aws_launch_configuration.workers.*.id[count.index]
                    # the index, and all that follows, applies to the list the splat made.
                    out: ast.Expr = ast.Splat(self.expr(sig[0]), tuple(ops), line)
                    for rest in raw[n:]:
                        if rest.data == "get_attr":
                            out = ast.GetAttr(out, self._get_attr_name(rest), line)
                        else:
                            out = ast.Index(out, self._index_key(rest), line)
                    return out
                else:
                    ops.append(ast.SplatIndex(self._index_key(op)))
            return ast.Splat(self.expr(sig[0]), tuple(ops), line)
        if data == "conditional":
            return ast.Conditional(self.expr(sig[0]), self.expr(sig[1]), self.expr(sig[2]), line)
        if data == "binary_op":
            term = self._significant(sig[1])
            op = str(self._significant(term[0])[0])
            return ast.BinOp(op, self.expr(sig[0]), self.expr(term[1]), line)
        if data == "unary_op":
            return ast.Unary(str(sig[0]), self.expr(sig[1]), line)
        if data in ("for_tuple_expr", "for_object_expr"):
            return self._for(node, sig, line)
        if data == "interpolation":
            return self.expr(sig[0])
        return ast.Unsupported(f"syntax {data!r}", line)

    def _object_key(self, node: Any) -> ast.Expr:
        # `{ name = ... }`: a bare identifier key is the string "name", not a reference.
        inner = self._significant(node)[0]
        if getattr(inner, "data", None) == "keyword":
            return ast.Lit(str(self._significant(inner)[0]), self._line(node))
        if getattr(inner, "data", None) == "expr_term":
            sub = self._significant(inner)
            if len(sub) == 1 and getattr(sub[0], "data", None) == "identifier":
                return ast.Lit(str(sub[0].children[0]), self._line(node))
        return self.expr(inner)

    def _get_attr_name(self, node: Any) -> str:
        return self._name(self._significant(node)[0])

    def _index_key(self, node: Any) -> ast.Expr:
        sig = self._significant(node)
        if node.data == "short_index":  # a.0 is a[0]
            return ast.Lit(int(str(sig[0])), self._line(node))
        return self.expr(sig[0])

    def _for(self, node: Any, sig: list[Any], line: int) -> ast.Expr:
        intro = next(c for c in sig if getattr(c, "data", None) == "for_intro")
        intro_sig = self._significant(intro)
        idents = [self._name(c) for c in intro_sig if getattr(c, "data", None) == "identifier"]
        collection = self.expr(intro_sig[-1])
        key_var, value_var = (idents[0], idents[1]) if len(idents) == 2 else (None, idents[0])
        cond_node = next((c for c in sig if getattr(c, "data", None) == "for_cond"), None)
        cond = self.expr(self._significant(cond_node)[-1]) if cond_node is not None else None
        exprs = [c for c in sig if getattr(c, "data", None) not in ("for_intro", "for_cond", None)]
        grouping = any(getattr(t, "type", None) == "ELLIPSIS" for t in node.children)
        if node.data == "for_tuple_expr":
            return ast.ForExpr(key_var, value_var, collection, self.expr(exprs[0]), None, cond, False, line)
        return ast.ForExpr(
            key_var, value_var, collection, self.expr(exprs[1]), self.expr(exprs[0]), cond, grouping, line
        )

    # --- strings -----------------------------------------------------------------------------

    def _string_parts(self, node: Any) -> list[str | ast.Expr]:
        parts: list[str | ast.Expr] = []
        for part in node.children:
            if getattr(part, "data", None) != "string_part":
                continue
            inner = part.children[0]
            if getattr(inner, "data", None) == "interpolation":
                parts.append(self.expr(inner))
            elif getattr(inner, "data", None) is not None:
                parts.append(ast.Unsupported("template directive %{...}", self._line(part)))
            elif inner.type == "ESCAPED_INTERPOLATION":
                parts.append(str(inner)[1:])  # $${x} is the literal text ${x}
            elif inner.type == "ESCAPED_DIRECTIVE":
                parts.append(str(inner)[1:])
            else:
                parts.append(_unescape(str(inner)))
        return parts

    def _heredoc(self, raw: str, *, trim: bool, line: int) -> ast.Expr:
        # raw is "<<EOT\n...\nEOT\n": drop the marker lines.
        lines = raw.split("\n")
        content_lines = lines[1:-2] if lines[-1] == "" else lines[1:-1]
        if trim:
            indents = [len(s) - len(s.lstrip(" \t")) for s in content_lines if s.strip()]
            cut = min(indents, default=0)
            content_lines = [s[cut:] for s in content_lines]
        content = "\n".join(content_lines) + ("\n" if content_lines else "")
        return _template(list(self._split_template(content, line + 1)), line)

    def _split_template(self, text: str, line: int) -> Iterator[str | ast.Expr]:
        """Split heredoc text into literal text and ``${...}`` expressions (python-hcl2 keeps it raw)."""
        pos = 0
        buf: list[str] = []
        while pos < len(text):
            if text.startswith("$${", pos) or text.startswith("%%{", pos):
                buf.append(text[pos + 1 : pos + 3])
                pos += 3
                continue
            if text.startswith("${", pos) or text.startswith("%{", pos):
                end = _matching_brace(text, pos + 2)
                here = line + text.count("\n", 0, pos)
                if buf:
                    yield "".join(buf)
                    buf = []
                if end < 0:
                    yield ast.Unsupported("unterminated interpolation in heredoc", here)
                    return
                if text[pos] == "%":
                    yield ast.Unsupported("template directive %{...}", here)
                else:
                    yield parse_expression(text[pos + 2 : end], self.path, here)
                pos = end + 1
                continue
            buf.append(text[pos])
            pos += 1
        if buf:
            yield "".join(buf)


def _matching_brace(text: str, start: int) -> int:
    depth = 1
    pos = start
    quote = False
    while pos < len(text):
        ch = text[pos]
        if quote:
            if ch == "\\":
                pos += 1
            elif ch == '"':
                quote = False
        elif ch == '"':
            quote = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return pos
        pos += 1
    return -1


def _template(parts: list[str | ast.Expr], line: int) -> ast.Expr:
    if all(isinstance(p, str) for p in parts):
        return ast.Lit("".join(p for p in parts if isinstance(p, str)), line)
    if len(parts) == 1 and not isinstance(parts[0], str):
        # "${expr}" alone yields the expression's own value and type, as in Terraform.
        return parts[0]
    return ast.Template(tuple(parts), line)


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)")


def _unescape(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        esc = m.group(1)
        if esc[0] in "uU" and len(esc) > 1:
            return chr(int(esc[1:], 16))
        return _ESCAPES.get(esc, "\\" + esc)

    return _ESCAPE_RE.sub(repl, text)


def parse_template(text: str, path: str, line: int = 1) -> ast.Expr:
    """A template file's text (what ``templatefile()`` reads) as a template expression: literal
    text and ``${...}`` interpolations, the same splitting as a heredoc body."""
    return _template(list(_Converter(path)._split_template(text, line)), line)
