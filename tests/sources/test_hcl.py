"""python-hcl2's parse tree -> our AST: shapes, lines, heredocs, and errors with file and line."""

from __future__ import annotations

import pytest

from eks_ip_lint.errors import InputError
from eks_ip_lint.sources import hcl
from eks_ip_lint.sources import hcl_ast as ast


def attr(text: str, name: str = "x") -> ast.Expr:
    f = hcl.parse_file("t.tf", f"locals {{\n  {name} = {text}\n}}\n")
    return f.body.blocks[0].body.attributes[name].expr


def test_blocks_labels_and_lines() -> None:
    f = hcl.parse_file(
        "main.tf",
        'resource "aws_subnet" "a" {\n  count = 2\n  tags = { Name = "x" }\n\n  timeouts {\n    create = "5m"\n  }\n}\n',
    )
    (block,) = f.body.blocks
    assert (block.type, block.labels, block.line, block.end_line) == ("resource", ("aws_subnet", "a"), 1, 8)
    assert block.body.attributes["count"].line == 2
    assert block.body.attributes["tags"].expr == ast.ObjectExpr(((ast.Lit("Name", 3), ast.Lit("x", 3)),), 3)
    assert block.body.blocks[0].type == "timeouts"
    assert block.body.blocks[0].line == 5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", ast.Lit(42, 2)),
        ("-1.5", ast.Lit(-1.5, 2)),  # the grammar folds the sign into a number literal
        ("-x", ast.Unary("-", ast.Name("x", 2), 2)),
        ("true", ast.Lit(True, 2)),
        ("null", ast.Lit(None, 2)),
        ('"plain"', ast.Lit("plain", 2)),
        ('"a\\"b\\n"', ast.Lit('a"b\n', 2)),
        ('"$${not} interpolated"', ast.Lit("${not} interpolated", 2)),
        ('"${var.a}"', ast.GetAttr(ast.Name("var", 2), "a", 2)),
        ('"n-${var.a}"', ast.Template(("n-", ast.GetAttr(ast.Name("var", 2), "a", 2)), 2)),
        ("a.0.b", ast.GetAttr(ast.Index(ast.Name("a", 2), ast.Lit(0, 2), 2), "b", 2)),
        ("a[*].id", ast.Splat(ast.Name("a", 2), (ast.SplatAttr("id"),), 2)),
        ("a.*.id", ast.Splat(ast.Name("a", 2), (ast.SplatAttr("id"),), 2)),
        ("f(x...)", ast.Call("f", (ast.Name("x", 2),), True, 2)),
        ("1 + 2 * 3", ast.BinOp("+", ast.Lit(1, 2), ast.BinOp("*", ast.Lit(2, 2), ast.Lit(3, 2), 2), 2)),
        ("a ? b : c", ast.Conditional(ast.Name("a", 2), ast.Name("b", 2), ast.Name("c", 2), 2)),
        ("{ (k) = 1 }", ast.ObjectExpr(((ast.Name("k", 2), ast.Lit(1, 2)),), 2)),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_expressions(text: str, expected: ast.Expr) -> None:
    assert attr(text) == expected


def test_for_expressions() -> None:
    e = attr("[for k, v in local.azs : cidrsubnet(local.cidr, 4, k) if v != null]")
    assert isinstance(e, ast.ForExpr)
    assert (e.key_var, e.value_var, e.key, e.grouping) == ("k", "v", None, False)
    assert isinstance(e.value, ast.Call) and e.value.name == "cidrsubnet"
    assert e.cond is not None
    o = attr("{for k, v in var.m : v.az => k...}")
    assert isinstance(o, ast.ForExpr)
    assert o.key is not None and o.grouping is True


def test_heredoc_templates_keep_interpolations_and_lines() -> None:
    f = hcl.parse_file("u.tf", "locals {\n  x = <<-EOT\n    a ${var.b} $${c}\n      d\n  EOT\n}\n")
    e = f.body.blocks[0].body.attributes["x"].expr
    assert e == ast.Template(("a ", ast.GetAttr(ast.Name("var", 3), "b", 3), " ${c}\n  d\n"), 2)


def test_syntax_error_names_file_and_line() -> None:
    with pytest.raises(InputError) as info:
        hcl.parse_file("broken.tf", 'resource "a" "b" {\n  x = \n}\n')
    assert info.value.path == "broken.tf"
    assert info.value.line in (2, 3)
    assert "syntax error" in info.value.message


def test_duplicate_attribute_is_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        hcl.parse_file("dup.tf", "locals {\n  a = 1\n  a = 2\n}\n")
    assert info.value.line == 3


def test_deep_nesting_is_a_clear_error_not_a_recursion_error() -> None:
    deep = "[" * 400 + "]" * 400
    with pytest.raises(InputError) as info:
        hcl.parse_file("deep.tf", f"locals {{\n  x = {deep}\n}}\n")
    assert "deep" in info.value.message or "nest" in info.value.message


def test_unclosed_block_is_reported_at_the_end_of_the_file() -> None:
    with pytest.raises(InputError) as info:
        hcl.parse_file("open.tf", 'resource "a" "b" {\n  x = 1\n\n')
    assert info.value.line == 3  # the file's last line, not one past it
    assert "end of file" in info.value.message and "not closed" in info.value.message


def test_error_token_is_shown_once_escaped() -> None:
    with pytest.raises(InputError) as info:
        hcl.parse_file("q.tf", "locals {\n  t = ['m5.large']\n}\n")
    assert info.value.message == "HCL syntax error: unexpected \"'m5.large']\""
