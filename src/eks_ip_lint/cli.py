"""Command line: ``eks-ip-lint [PATH...]`` and ``eks-ip-lint simulate INSTANCE_TYPE``.

One boundary maps outcomes to exit codes: 0 nothing reaches ``--fail-on``, 1 something does,
2 usage or configuration error, 3 an internal error (a bug: the message asks for a report and
``EKS_IP_LINT_DEBUG=1`` shows the traceback), 130 interrupted.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from eks_ip_lint import __version__
from eks_ip_lint.errors import UsageError

if TYPE_CHECKING:
    from eks_ip_lint.baseline import Key
    from eks_ip_lint.report import ReportContext
    from eks_ip_lint.results import LintResult

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

FAIL_ON = ("error", "warning", "info", "never")


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so main() stays the only exit point."""

    def error(self, message: str) -> None:  # type: ignore[override]  # argparse declares NoReturn
        # main() prints "eks-ip-lint: error: " before every usage error; name only the subcommand
        # here ("simulate: ..."), so the program's name is printed once.
        sub = self.prog.removeprefix("eks-ip-lint").strip()
        raise UsageError(f"{sub}: {message}" if sub else message)


EPILOG = """\
exit codes:
  0    nothing reaches --fail-on (also --write-baseline, --list-rules, explain)
  1    a finding at or above --fail-on
  2    usage or configuration error (bad option, invalid configuration file, unreadable --var-file)
  3    internal error: a bug; EKS_IP_LINT_DEBUG=1 shows the traceback
  130  interrupted

examples:
  eks-ip-lint infra/                      lint a Terraform tree (CloudFormation, eksctl, Terragrunt too)
  eks-ip-lint --format sarif -o ip.sarif  for GitHub code scanning
  eks-ip-lint --rule EKSIP101 --skip-rule EKSIP203 --exclude 'sandbox/*'
  eks-ip-lint --pods-per-node 30 .        size for 30 pods per node instead of full nodes
  eks-ip-lint explain EKSIP101            the rule's page: why, how it is computed, how to fix
  eks-ip-lint simulate m5.large --env WARM_IP_TARGET=5

environment:
  EKS_IP_LINT_NO_PROGRESS=1  no progress line on standard error
  EKS_IP_LINT_CACHE_DIR      where the parse and result caches live (default $XDG_CACHE_HOME/eks-ip-lint)
  EKS_IP_LINT_NO_CACHE=1     as --no-cache
  EKS_IP_LINT_DEBUG=1        a traceback on an internal error
  NO_COLOR                   set (to anything): no colour, whatever --color auto finds
  COLUMNS                    the width the text report wraps to (default: the terminal's, else 80)

Also: eks-ip-lint simulate INSTANCE_TYPE --help (what-if calculator for one node); eks-ip-lint explain
RULE_ID; eks-ip-lint checkov-dir (the checkov external checks directory).
"""


def _lint_parser() -> _Parser:
    from eks_ip_lint.report import FORMATTERS  # noqa: PLC0415 -- keep simulate and checkov-dir light

    p = _Parser(
        prog="eks-ip-lint",
        description="Find EKS clusters that run out of VPC IP addresses before their node groups reach max size.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "paths", nargs="*", metavar="PATH", help="Terraform module directories or files (default: .)"
    )
    p.add_argument(
        "--format",
        choices=list(FORMATTERS),
        default="text",
        help="output format (default: text): "
        + "; ".join(f"{f.name}: {f.help}" for f in FORMATTERS.values()),
    )
    p.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument(
        "--pods-per-node",
        type=_at_least_one,
        metavar="N",
        help="pods per node for the configured density (default: full nodes, max pods - 2)",
    )
    p.add_argument(
        "--fail-on", choices=FAIL_ON, default="error", help="lowest severity that fails (default: error)"
    )
    p.add_argument(
        "--var", action="append", default=[], metavar="NAME=VALUE", help="set a Terraform variable"
    )
    p.add_argument("--var-file", action="append", default=[], metavar="FILE", help="read Terraform variables")
    p.add_argument("--workspace", default="default", help="value of terraform.workspace (default: default)")
    p.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a CloudFormation parameter or pseudo parameter (AWS::Region=eu-west-1)",
    )
    p.add_argument(
        "--nested-template",
        action="append",
        default=[],
        metavar="STACK=PATH",
        help="the local template of a nested stack (its logical ID, Outer/Inner when nested deeper, or its "
        "TemplateURL), analysed as part of its parent; local TemplateURLs are followed without it",
    )
    p.add_argument(
        "--parameters-file",
        action="append",
        default=[],
        metavar="FILE",
        help="CloudFormation parameters as the AWS CLI or CodePipeline write them (JSON)",
    )
    p.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (default: .eks-ip-lint.yaml or [tool.eks-ip-lint] in pyproject.toml, "
        "in the current directory or a parent)",
    )
    p.add_argument(
        "--allow-outside",
        action="append",
        default=[],
        metavar="PATH",
        help="also read files below PATH: links, ../ paths, module sources and templates that leave "
        "the scanned paths and their Git repository are otherwise not read (docs/security.md)",
    )
    p.add_argument("--no-config", action="store_true", help="ignore configuration files")
    p.add_argument(
        "--baseline",
        metavar="FILE",
        help="a JSON report of accepted findings: those in it are reported as baselined and do not fail",
    )
    p.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="also write the JSON report to FILE, for --baseline; the run then exits 0",
    )
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the parse and result caches ($XDG_CACHE_HOME/eks-ip-lint; "
        "EKS_IP_LINT_NO_CACHE=1)",
    )
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        metavar="N",
        help="processes that parse uncached files ahead of the run (default: the CPUs available; 1: none)",
    )
    p.add_argument(
        "--compare-to",
        metavar="REF",
        help="also analyse the tree at git REF (a branch, tag or commit; the checkout is not touched) and "
        "report what the working tree changes: node ceilings, demand, headroom, new and fixed findings "
        "(text, json, markdown)",
    )
    p.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="ID[,ID...]",
        help="run only these rules (repeatable; as checkov --check, tflint --only)",
    )
    p.add_argument(
        "--skip-rule",
        action="append",
        default=[],
        metavar="ID[,ID...]",
        help="do not run these rules (repeatable; as checkov --skip-check, tflint --disable-rule)",
    )
    p.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="leave out files and directories matching GLOB (repeatable; relative to the current "
        "directory; added to the configuration file's exclude)",
    )
    p.add_argument(
        "--fail-on-unchecked",
        action="store_true",
        help="exit 1 when anything was not checked (a node group whose numbers could not be computed, a "
        "cluster with no node groups), whatever --fail-on says; the report's coverage line lists them "
        "(configuration: fail_on_unchecked: true)",
    )
    p.add_argument(
        "--color",
        "--colour",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text report (default auto: on a terminal, unless NO_COLOR is set)",
    )
    p.add_argument(
        "-q",
        "--quiet",
        "--compact",
        dest="compact",
        action="store_true",
        help="text report: findings only, one line each (as tflint and checkov's compact output)",
    )
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="text report: full Terraform addresses, not the names users write",
    )
    p.add_argument(
        "--debug",
        action="store_true",
        help="as -v, and a traceback on an internal error (EKS_IP_LINT_DEBUG=1)",
    )
    p.add_argument("--list-rules", action="store_true", help="list the rules and exit (--format json too)")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    return p


def _simulate_parser() -> _Parser:
    p = _Parser(
        prog="eks-ip-lint simulate",
        description="What a node of INSTANCE_TYPE holds in its subnet at each pod count, under given VPC CNI settings.",
    )
    p.add_argument("instance_type", metavar="INSTANCE_TYPE")
    p.add_argument("--env", action="append", default=[], metavar="KEY=VALUE", help="a VPC CNI env setting")
    p.add_argument("--pods", metavar="N|A..B", help="pod count or inclusive range (default: 0..max pods - 2)")
    p.add_argument(
        "--max-pods", type=_positive_int, metavar="N", help="kubelet max pods (default: ENI formula)"
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--chart", action="store_true", help="also draw the IPs per node against pods as a step chart (text)"
    )
    return p


def _at_least_one(text: str) -> int:
    value = _positive_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("expected at least 1 (the floor density is already 1 pod per node)")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    _tolerant_streams()
    _tune_gc()
    try:
        if args and args[0] == "simulate":
            return _simulate(args[1:])
        if args and args[0] == "checkov-dir":
            return _checkov_dir(args[1:])
        if args and args[0] == "explain":
            return _explain(args[1:])
        return _lint(args)
    except UsageError as exc:
        print(f"eks-ip-lint: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("eks-ip-lint: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        if os.environ.get("EKS_IP_LINT_DEBUG"):
            import traceback  # noqa: PLC0415 -- only on the way out of a crash

            traceback.print_exc()
        print(
            f"eks-ip-lint: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in eks-ip-lint. Run again with EKS_IP_LINT_DEBUG=1 for details and please report it.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _tune_gc() -> None:
    """A run is short and allocates millions of small objects (parse trees, AST records) that
    live until it ends: collecting the youngest generation every 700 allocations spent about
    6 % of a cold run's CPU finding nothing (benchmarks/README.md). Collections stay on, rarer."""
    import gc  # noqa: PLC0415

    gc.set_threshold(50_000, 20, 100)


def _tolerant_streams() -> None:
    """Names and values from the input may hold what the terminal's encoding cannot (a lone
    surrogate from a JSON or YAML escape, a byte 0xff in a file name): print them escaped."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        with open(output, "w", encoding="utf-8", errors="backslashreplace") as fh:
            fh.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None


def _check_path_arguments(argv: list[str], paths: list[str]) -> None:
    """File names must never be read as options (docs/security.md): a path that starts with
    ``-`` is refused unless it follows ``--``; under pre-commit, which appends the names of
    committed files after the hook's ``args``, paths must follow ``--`` (the hooks' ``args`` end
    with it), or a file named ``--write-baseline=terraform.tfvars`` would be an option."""
    after = argv[argv.index("--") + 1 :] if "--" in argv else []
    for path in paths:
        if path.startswith("-") and path not in after:
            raise UsageError(f"the path {path!r} starts with '-': put it after '--' (eks-ip-lint -- {path})")
    if os.environ.get("PRE_COMMIT") == "1" and paths and "--" not in argv:
        raise UsageError(
            "under pre-commit, file names must follow '--' so that none is read as an option: "
            'end the hook\'s args with "--" (docs/integrations/pre-commit.md)'
        )


def _lint(argv: list[str]) -> int:
    ns = _lint_parser().parse_args(argv)
    _check_path_arguments(argv, ns.paths)
    if ns.debug:
        os.environ["EKS_IP_LINT_DEBUG"] = "1"  # main() prints the traceback of an internal error
    if ns.version:
        print(f"eks-ip-lint {__version__}")
        return EXIT_OK
    if ns.list_rules:
        from eks_ip_lint.rules import ALL_RULES  # noqa: PLC0415 -- keep --version fast

        if ns.format == "json":
            rules = [
                {
                    "id": r.meta.id,
                    "name": r.meta.name,
                    "severity": r.meta.severity.value,
                    "summary": r.meta.summary,
                    "docs": r.meta.docs_path,
                }
                for r in ALL_RULES
            ]
            print(json.dumps(rules, indent=2))
            return EXIT_OK
        for rule in ALL_RULES:
            m = rule.meta
            print(f"{m.id}  {m.severity.value:<7}  {m.name}: {m.summary}")
        return EXIT_OK

    from eks_ip_lint import config as cfg  # noqa: PLC0415
    from eks_ip_lint.capacity.analysis import Options  # noqa: PLC0415
    from eks_ip_lint.engine import LintRequest, Policy, lint  # noqa: PLC0415
    from eks_ip_lint.findings import Severity  # noqa: PLC0415
    from eks_ip_lint.progress import Progress  # noqa: PLC0415
    from eks_ip_lint.report import FORMATTERS  # noqa: PLC0415
    from eks_ip_lint.terraform.variable_inputs import VariableInputs, parse_cli_vars  # noqa: PLC0415

    if ns.config and ns.no_config:
        raise UsageError("--config and --no-config exclude each other")
    config = cfg.load_config(None if ns.no_config else (ns.config or cfg.find_config()))
    pods_per_node = ns.pods_per_node if ns.pods_per_node is not None else config.pods_per_node
    baseline = _load_baseline(ns.baseline)
    for f in ns.var_file:
        if not os.path.isfile(f):
            raise UsageError(f"--var-file {f}: no such file")
    paths = ns.paths or ["."]
    for p in paths:
        if not os.path.exists(p):
            raise UsageError(f"{p}: no such file or directory")
    selected = _rule_ids(ns.rule, "--rule")
    skipped = _rule_ids(ns.skip_rule, "--skip-rule")
    kept = cfg.filter_paths(paths, config.exclude, config.base_dir)
    kept = cfg.filter_paths(kept, ns.exclude, os.getcwd())
    if not kept:
        raise UsageError(f"every path given is excluded ({', '.join(paths)})")
    request = LintRequest(
        paths=tuple(kept),
        variables=VariableInputs(var_files=tuple(ns.var_file), vars=parse_cli_vars(ns.var)),
        options=Options(
            pods_per_node=pods_per_node,
            reserved_ips_per_subnet=config.reserved_ips_per_subnet,
            fargate_pods=config.fargate_pods,
        ),
        workspace=ns.workspace,
        parameters=_parameters(ns.parameters_file, ns.parameter),
        jobs=_jobs(ns.jobs),
        nested_templates=_nested_templates(ns.nested_template),
        allow_outside=tuple(ns.allow_outside),
        use_cache=not ns.no_cache,
    )
    if ns.compare_to is not None:
        from eks_ip_lint.compare import check_format  # noqa: PLC0415

        check_format(ns.format)
    policy = Policy.from_config(config, baseline, only=selected, skip=skipped)
    result = lint(request, policy, Progress())
    context = _context(ns, pods_per_node)
    for note in (*result.notes, *_density_notes(result, pods_per_node)):
        print(f"eks-ip-lint: note: {note}", file=sys.stderr)
    if ns.write_baseline:
        _write(FORMATTERS["json"].render(result, context), ns.write_baseline)
        # What was written, not the report: the baseline is the point of this run.
        counts = Counter(f.rule_id for f in result.findings)
        listed = ", ".join(f"{n} {rule}" for rule, n in sorted(counts.items()))
        print(
            f"eks-ip-lint: wrote {len(result.findings)} finding(s) to {ns.write_baseline}"
            + (f" ({listed})" if listed else "")
            + f"; use it with --baseline {ns.write_baseline}"
        )
        return EXIT_OK
    formatter = FORMATTERS[ns.format]
    if ns.compare_to is not None:
        from eks_ip_lint.compare import compare_report  # noqa: PLC0415

        text = compare_report(
            ns.compare_to,
            request=request,
            policy=policy,
            head=result,
            fmt=ns.format,
            ctx=context,
            progress=Progress(),
        )
    else:
        text = formatter.render(result, context)
    _write(text, ns.output)
    if formatter.after_write is not None:
        formatter.after_write(text, context)
    if (ns.fail_on_unchecked or config.fail_on_unchecked) and _unchecked(result):
        return EXIT_FINDINGS
    if ns.fail_on == "never":
        return EXIT_OK
    threshold = Severity(ns.fail_on).rank
    failing = [f for f in result.findings if f.suppressed is None and f.severity.rank >= threshold]
    return EXIT_FINDINGS if failing else EXIT_OK


def _unchecked(result: LintResult) -> bool:
    """Whether anything the run should have checked was not (the reports' coverage line)."""
    from eks_ip_lint.capacity.coverage import unit_coverage  # noqa: PLC0415

    return any(not item.checked for u in result.units for item in unit_coverage(u.capacity))


def _context(ns: argparse.Namespace, pods_per_node: int | None) -> ReportContext:
    """The report's layout: width from COLUMNS, else the terminal's when writing to one (a pipe
    or a file gets unwrapped lines); colour per --color and NO_COLOR (report/_style.py)."""
    import shutil  # noqa: PLC0415

    from eks_ip_lint.report import ReportContext  # noqa: PLC0415
    from eks_ip_lint.report._style import use_color  # noqa: PLC0415

    to_terminal = ns.output is None and sys.stdout.isatty()
    width: int | None = None
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        width = int(columns)
    elif to_terminal:
        width = shutil.get_terminal_size().columns
    encoding = "utf-8" if ns.output is not None else (getattr(sys.stdout, "encoding", None) or "ascii")
    return ReportContext(
        fail_on=ns.fail_on,
        pods_per_node=pods_per_node,
        output=ns.output,
        width=width,
        color=use_color(ns.color, sys.stdout) if ns.output is None else ns.color == "always",
        verbose=ns.verbose or ns.debug,
        compact=ns.compact,
        unicode=encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf16", "utf32"),
    )


def _rule_ids(values: list[str], option: str) -> list[str]:
    """``--rule EKSIP101,EKSIP102 --rule EKSIP203`` -> the IDs, every unknown one reported at once."""
    from eks_ip_lint.policy import unknown_rule_ids  # noqa: PLC0415
    from eks_ip_lint.rules import BY_ID  # noqa: PLC0415

    ids = [part.strip().upper() for v in values for part in v.split(",") if part.strip()]
    problems = unknown_rule_ids(ids, BY_ID)
    if problems:
        raise UsageError(f"{option}: " + "; ".join(problems))
    return ids


def _density_notes(result: LintResult, asked: int | None) -> list[str]:
    """--pods-per-node above what a group's nodes can run is capped at its full nodes: said, not silent."""
    if asked is None:
        return []
    from eks_ip_lint.capacity.records import Density  # noqa: PLC0415

    capped = []
    for u in result.units:
        for c in u.capacity.clusters:
            for g in c.node_groups:
                pods = g.at[Density.CONFIGURED].pods
                if isinstance(pods, int) and pods < asked:
                    capped.append(f"{g.fact.address} ({pods}, max pods {g.max_pods})")
    if not capped:
        return []
    return [
        f"pods per node {asked} is more than a node of {len(capped)} node group(s) can run; their "
        f"configured density is their full nodes (max pods - 2 hostNetwork pods): " + ", ".join(capped)
    ]


def _load_baseline(path: str | None) -> set[Key] | None:
    if path is None:
        return None
    from eks_ip_lint.baseline import load_baseline  # noqa: PLC0415

    return load_baseline(path)


def _checkov_dir(argv: list[str]) -> int:
    """``eks-ip-lint checkov-dir``: the installed directory of checkov external checks."""
    if argv in (["-h"], ["--help"]):
        print(
            "usage: eks-ip-lint checkov-dir\n\nPrint the directory of eks-ip-lint's checkov external checks, for\n"
            'checkov -d DIR --external-checks-dir "$(eks-ip-lint checkov-dir)".'
        )
        return EXIT_OK
    if argv:
        raise UsageError("checkov-dir takes no arguments")
    from eks_ip_lint.integrations import checkov_checks_dir  # noqa: PLC0415

    print(checkov_checks_dir())
    return EXIT_OK


def _explain(argv: list[str]) -> int:
    """``eks-ip-lint explain EKSIP101``: the rule's page, as shipped in the package."""
    p = _Parser(
        prog="eks-ip-lint explain",
        description="Print a rule's page: what it checks, why it matters, how to fix or suppress it.",
    )
    p.add_argument("rule_id", metavar="RULE_ID", help="a rule ID (eks-ip-lint --list-rules lists them)")
    ns = p.parse_args(argv)
    from eks_ip_lint.rules import BY_ID  # noqa: PLC0415
    from eks_ip_lint.rules.pages import page_body  # noqa: PLC0415

    rule_id = ns.rule_id.strip().upper()
    (rule_id,) = _rule_ids([rule_id], "explain")
    meta = BY_ID[rule_id].meta
    body = page_body(rule_id)
    if body is None:
        raise UsageError(f"explain {rule_id}: the rule pages are missing from this installation")
    print(
        f"Severity: {meta.severity.value} (default) · Since: v{meta.since} · Inputs: {', '.join(meta.inputs)}\n"
    )
    sys.stdout.write(body if body.endswith("\n") else body + "\n")
    return EXIT_OK


def _jobs(given: int | None) -> int:
    if given is None:
        from eks_ip_lint.prefetch import default_jobs  # noqa: PLC0415

        return default_jobs()
    if given < 1:
        raise UsageError(f"--jobs {given}: must be 1 or more")
    return given


def _nested_templates(items: list[str]) -> dict[str, str]:
    from eks_ip_lint.cloudformation.parameters import parse_assignments  # noqa: PLC0415

    out: dict[str, str] = {}
    for stack, path in parse_assignments(items, "--nested-template", "STACK=PATH").items():
        if not os.path.isfile(path.strip()):
            raise UsageError(f"--nested-template {stack}={path}: {path.strip() or 'PATH'} is not a file")
        out[stack] = path.strip()
    return out


def _parameters(files: list[str], items: list[str]) -> dict[str, str]:
    """Parameter files first, in order, then --parameter values on top."""
    from eks_ip_lint.cloudformation.parameters import parse_assignments, read_parameter_file  # noqa: PLC0415

    merged: dict[str, str] = {}
    for f in files:
        merged.update(read_parameter_file(f))
    merged.update(parse_assignments(items))
    return merged


def _simulate(argv: list[str]) -> int:
    from eks_ip_lint import simulate as sim  # noqa: PLC0415

    ns = _simulate_parser().parse_args(argv)
    env = {}
    for item in ns.env:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--env expects KEY=VALUE, got {item!r}")
        env[key.strip()] = value.strip()
    pods = sim.parse_pods(ns.pods) if ns.pods else None
    result = sim.simulate(ns.instance_type, env, pods, ns.max_pods)
    text = sim.render_simulation_json(result) if ns.format == "json" else sim.render_simulation_text(result)
    sys.stdout.write(text)
    if ns.chart and ns.format == "text":
        from eks_ip_lint.report._charts import step_series, text_step_chart  # noqa: PLC0415

        series = step_series(result.limits, result.settings, result.max_pods)
        print(f"\nIPs per node (up) against IP-taking pods (across), {result.limits.name}:")
        print("\n".join(text_step_chart(series)))
    return EXIT_OK
