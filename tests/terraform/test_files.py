"""file() and templatefile(): module files are read and rendered; nothing outside is read."""

from __future__ import annotations

from pathlib import Path

from eks_ip_lint.sources.hcl import parse_expression
from eks_ip_lint.values import Unknown

from terraform_loader import Loader


def test_templatefile_renders_helm_values_from_the_module(load_module: Loader, tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "values.yaml.tpl").write_text(
        'env:\n  ENABLE_PREFIX_DELEGATION: "${prefix}"\n  WARM_PREFIX_TARGET: "${warm}"\n'
    )
    m = load_module(
        {
            "main.tf": 'locals {\n  v = templatefile("${path.module}/templates/values.yaml.tpl", { prefix = true, warm = 1 })\n}\n'
        }
    )
    assert m.evaluator.eval(parse_expression("local.v")) == (
        'env:\n  ENABLE_PREFIX_DELEGATION: "true"\n  WARM_PREFIX_TARGET: "1"\n'
    )


def test_file_reads_module_files_only(load_module: Loader, tmp_path: Path) -> None:
    (tmp_path / "cni.json").write_text('{"env": {"WARM_IP_TARGET": "2"}}')
    m = load_module(
        {
            "main.tf": 'locals {\n  inside = jsondecode(file("${path.module}/cni.json"))\n'
            '  outside = file("/etc/passwd")\n  escape = file("${path.module}/../secret")\n}\n'
        }
    )
    assert m.evaluator.eval(parse_expression("local.inside")) == {"env": {"WARM_IP_TARGET": "2"}}
    for name in ("outside", "escape"):
        v = m.evaluator.eval(parse_expression(f"local.{name}"))
        assert isinstance(v, Unknown) and "outside the module's directory" in v.reason


def test_template_may_use_only_its_vars(load_module: Loader, tmp_path: Path) -> None:
    (tmp_path / "t.tpl").write_text("${var.secret}")
    m = load_module(
        {"main.tf": 'variable "secret" { default = "x" }\nlocals {\n  t = templatefile("t.tpl", {})\n}\n'}
    )
    v = m.evaluator.eval(parse_expression("local.t"))
    assert isinstance(v, Unknown) and "not one of the vars" in v.reason
