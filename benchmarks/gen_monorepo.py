#!/usr/bin/env python3
"""Write a synthetic infrastructure monorepo for benchmarks (deterministic for a given seed).

Most root modules are not about EKS (S3, IAM, RDS, Lambda, SQS, DynamoDB, security groups, with
locals and variables, split over several files as real repositories do); about one in eight
holds an EKS cluster in one of the shapes of the real-world catalog
(/work/shared/docs/real-world-iac.md): plain provider resources, terraform-aws-modules vpc + eks
v20 and v21 module calls, a local node-group module, CNI settings in add-ons. Next to them:
CloudFormation templates (EKS and not), eksctl ClusterConfigs and Kubernetes manifests that are
neither.

    python benchmarks/gen_monorepo.py --preset module20 --out /tmp/bench/module20
    python benchmarks/gen_monorepo.py --preset monorepo2000 --out /tmp/bench/monorepo2000
    python benchmarks/gen_monorepo.py --preset modules2000 --out /tmp/bench/modules2000  # every root calls a registry module
    python benchmarks/gen_monorepo.py --files 5000 --out /tmp/bench/big --seed 7

``--files`` counts every file written (.tf, .tfvars, .yaml, .json, .md).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"

# EKS shapes, taken from the project's own fixtures (each one is a real-world shape).
EKS_SHAPES = (
    "terraform/tam-v20-vpc-eks/main.tf",
    "terraform/tam-v21-addons/main.tf",
    "terraform/tam-v20-plain-equivalent/main.tf",
    "terraform/cni-carriers/main.tf",
    "terraform/shared-subnets/main.tf",
    "terraform/custom-networking-blueprints/main.tf",
    "terraform/prefix-delegation-fragmented/main.tf",
)
CFN_EKS = ("cloudformation/templates/seed-cluster.yaml", "cloudformation/templates/self-managed-nodes.yaml")
EKSCTL = ("eksctl/configs/seed-cluster.yaml", "eksctl/configs/named-subnets-bootstrap-addon.yaml")

TEAMS = ("payments", "search", "identity", "data", "platform", "ml", "growth", "billing", "edge", "infra")
ENVS = ("dev", "staging", "prod", "sandbox")
REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2")


def _s3(r: random.Random, name: str) -> str:
    return f'''resource "aws_s3_bucket" "{name}" {{
  bucket = "${{local.prefix}}-{name}-${{var.environment}}"
  tags   = merge(local.tags, {{ Purpose = "{name}" }})
}}

resource "aws_s3_bucket_versioning" "{name}" {{
  bucket = aws_s3_bucket.{name}.id
  versioning_configuration {{
    status = var.environment == "prod" ? "Enabled" : "Suspended"
  }}
}}

resource "aws_s3_bucket_lifecycle_configuration" "{name}" {{
  bucket = aws_s3_bucket.{name}.id
  rule {{
    id     = "expire-old"
    status = "Enabled"
    expiration {{
      days = {r.choice((30, 90, 365))}
    }}
    noncurrent_version_expiration {{
      noncurrent_days = {r.choice((7, 14, 30))}
    }}
  }}
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "{name}" {{
  bucket = aws_s3_bucket.{name}.id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm = "aws:kms"
    }}
  }}
}}
'''


def _iam(r: random.Random, name: str) -> str:
    actions = ", ".join(
        f'"{a}"'
        for a in r.sample(
            [
                "s3:GetObject",
                "s3:PutObject",
                "sqs:SendMessage",
                "dynamodb:Query",
                "logs:PutLogEvents",
                "kms:Decrypt",
            ],
            3,
        )
    )
    return f'''data "aws_iam_policy_document" "{name}_assume" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "Service"
      identifiers = ["lambda.amazonaws.com", "ecs-tasks.amazonaws.com"]
    }}
  }}
}}

resource "aws_iam_role" "{name}" {{
  name               = "${{local.prefix}}-{name}"
  assume_role_policy = data.aws_iam_policy_document.{name}_assume.json
  tags               = local.tags
}}

resource "aws_iam_policy" "{name}" {{
  name = "${{local.prefix}}-{name}"
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [
      {{
        Effect   = "Allow"
        Action   = [{actions}]
        Resource = ["arn:aws:s3:::${{local.prefix}}-*", "arn:aws:sqs:${{var.region}}:*:${{local.prefix}}-*"]
      }},
    ]
  }})
}}

resource "aws_iam_role_policy_attachment" "{name}" {{
  role       = aws_iam_role.{name}.name
  policy_arn = aws_iam_policy.{name}.arn
}}
'''


def _rds(r: random.Random, name: str) -> str:
    return f'''resource "aws_db_subnet_group" "{name}" {{
  name       = "${{local.prefix}}-{name}"
  subnet_ids = var.database_subnet_ids
}}

resource "aws_db_instance" "{name}" {{
  identifier              = "${{local.prefix}}-{name}"
  engine                  = "{r.choice(("postgres", "mysql"))}"
  engine_version          = "{r.choice(("15.4", "8.0.35", "14.9"))}"
  instance_class          = var.environment == "prod" ? "db.r6g.large" : "db.t4g.medium"
  allocated_storage       = {r.choice((20, 50, 100, 500))}
  max_allocated_storage   = {r.choice((200, 1000))}
  db_subnet_group_name    = aws_db_subnet_group.{name}.name
  backup_retention_period = lookup(local.retention, var.environment, 7)
  multi_az                = var.environment == "prod"
  skip_final_snapshot     = var.environment != "prod"
  tags                    = local.tags
}}
'''


def _lambda(r: random.Random, name: str) -> str:
    return f'''resource "aws_lambda_function" "{name}" {{
  function_name = "${{local.prefix}}-{name}"
  role          = aws_iam_role.{name}_exec.arn
  handler       = "index.handler"
  runtime       = "{r.choice(("python3.12", "nodejs20.x", "provided.al2023"))}"
  memory_size   = {r.choice((128, 256, 512, 1024))}
  timeout       = {r.choice((10, 30, 60, 300))}
  filename      = "${{path.module}}/build/{name}.zip"
  environment {{
    variables = {{
      STAGE     = var.environment
      LOG_LEVEL = var.environment == "prod" ? "info" : "debug"
      TABLE     = "${{local.prefix}}-table"
    }}
  }}
  tags = local.tags
}}

resource "aws_iam_role" "{name}_exec" {{
  name = "${{local.prefix}}-{name}-exec"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Principal = {{ Service = "lambda.amazonaws.com" }}, Action = "sts:AssumeRole" }}]
  }})
}}

resource "aws_cloudwatch_log_group" "{name}" {{
  name              = "/aws/lambda/${{local.prefix}}-{name}"
  retention_in_days = {r.choice((7, 14, 30, 90))}
}}
'''


def _queue(r: random.Random, name: str) -> str:
    return f'''resource "aws_sqs_queue" "{name}_dlq" {{
  name = "${{local.prefix}}-{name}-dlq"
}}

resource "aws_sqs_queue" "{name}" {{
  name                       = "${{local.prefix}}-{name}"
  visibility_timeout_seconds = {r.choice((30, 60, 300))}
  redrive_policy = jsonencode({{
    deadLetterTargetArn = aws_sqs_queue.{name}_dlq.arn
    maxReceiveCount     = {r.choice((3, 5, 10))}
  }})
}}

resource "aws_dynamodb_table" "{name}" {{
  name         = "${{local.prefix}}-{name}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"
  attribute {{
    name = "pk"
    type = "S"
  }}
  attribute {{
    name = "sk"
    type = "S"
  }}
  dynamic "global_secondary_index" {{
    for_each = toset(var.indexes)
    content {{
      name            = global_secondary_index.value
      hash_key        = "sk"
      projection_type = "ALL"
    }}
  }}
}}
'''


def _security_group(r: random.Random, name: str) -> str:
    ports = r.sample([22, 80, 443, 5432, 6379, 8080, 9090], 3)
    return f'''locals {{
  {name}_ports = [{", ".join(map(str, ports))}]
}}

resource "aws_security_group" "{name}" {{
  name   = "${{local.prefix}}-{name}"
  vpc_id = var.vpc_id
  tags   = local.tags
}}

resource "aws_security_group_rule" "{name}_ingress" {{
  count             = length(local.{name}_ports)
  type              = "ingress"
  from_port         = local.{name}_ports[count.index]
  to_port           = local.{name}_ports[count.index]
  protocol          = "tcp"
  cidr_blocks       = [for c in var.allowed_cidrs : c if c != "0.0.0.0/0"]
  security_group_id = aws_security_group.{name}.id
}}
'''


FILLERS = (_s3, _iam, _rds, _lambda, _queue, _security_group)


def _common_files(r: random.Random, team: str, env: str) -> dict[str, str]:
    region = r.choice(REGIONS)
    return {
        "variables.tf": f'''variable "environment" {{
  type    = string
  default = "{env}"
}}

variable "region" {{
  type    = string
  default = "{region}"
}}

variable "vpc_id" {{
  type    = string
  default = "vpc-0123456789abcdef0"
}}

variable "database_subnet_ids" {{
  type    = list(string)
  default = ["subnet-0a", "subnet-0b"]
}}

variable "allowed_cidrs" {{
  type    = list(string)
  default = ["10.0.0.0/8", "172.16.0.0/12"]
}}

variable "indexes" {{
  type    = list(string)
  default = ["by-date", "by-owner"]
}}
''',
        "locals.tf": f'''locals {{
  prefix = "{team}-${{var.environment}}"
  tags = {{
    Team        = "{team}"
    Environment = var.environment
    ManagedBy   = "terraform"
  }}
  retention = {{
    prod    = 30
    staging = 7
  }}
}}
''',
        "versions.tf": f'''terraform {{
  required_version = ">= 1.5"
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "~> 5.{r.randint(0, 60)}"
    }}
  }}
  backend "s3" {{
    bucket = "tfstate-{team}"
    key    = "{team}/{env}/terraform.tfstate"
    region = "{region}"
  }}
}}

provider "aws" {{
  region = var.region
}}
''',
    }


# Registry modules the module-heavy preset's roots call (issue 18: "a realistic monorepo where
# every root module calls some registry module", so no root is skipped by the EKS/VPC prefilter).
REGISTRY_CALLS = (
    ("s3_bucket", "terraform-aws-modules/s3-bucket/aws", "4.1.2", 'bucket = "${local.prefix}-data"'),
    (
        "rds",
        "terraform-aws-modules/rds/aws",
        "6.9.0",
        'identifier = "${local.prefix}-db"\n  engine = "postgres"',
    ),
    ("lambda", "terraform-aws-modules/lambda/aws", "7.8.1", 'function_name = "${local.prefix}-fn"'),
    ("sqs", "terraform-aws-modules/sqs/aws", "4.2.0", 'name = "${local.prefix}-queue"'),
    ("iam_role", "terraform-aws-modules/iam/aws//modules/iam-assumable-role", "5.44.0", "create_role = true"),
    ("sg", "terraform-aws-modules/security-group/aws", "5.2.0", "vpc_id = var.vpc_id"),
    ("dynamodb", "terraform-aws-modules/dynamodb-table/aws", "4.1.0", 'name = "${local.prefix}-table"'),
    (
        "vpc",
        "terraform-aws-modules/vpc/aws",
        "5.13.0",
        'cidr = "10.${var.region == "us-east-1" ? 1 : 2}.0.0/16"',
    ),
)


def _registry_call(r: random.Random) -> str:
    name, source, version, body = r.choice(REGISTRY_CALLS)
    return f'''module "{name}" {{
  source  = "{source}"
  version = "{version}"
  {body}
  tags    = local.tags
}}
'''


def _eks_module(r: random.Random, i: int) -> dict[str, str]:
    shape = EKS_SHAPES[i % len(EKS_SHAPES)]
    text = (FIXTURES / shape).read_text()
    # Vary sizes so that not every module gives the same answer.
    text = text.replace("max_size       = 80", f"max_size       = {r.choice((10, 40, 80, 150))}")
    return {"eks.tf": text}


def _cfn_plain(r: random.Random, name: str) -> str:
    return json.dumps(
        {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": f"{name}: buckets and queues",
            "Parameters": {"Stage": {"Type": "String", "Default": r.choice(ENVS)}},
            "Resources": {
                f"Bucket{j}": {
                    "Type": "AWS::S3::Bucket",
                    "Properties": {
                        "BucketName": {"Fn::Sub": f"{name}-{j}-${{Stage}}"},
                        "Tags": [{"Key": "team", "Value": name}],
                    },
                }
                for j in range(r.randint(2, 12))
            }
            | {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 60}}},
        },
        indent=2,
    )


def _k8s_manifest(r: random.Random, name: str) -> str:
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels:
    app: {name}
spec:
  replicas: {r.randint(1, 6)}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
        - name: app
          image: registry.example.com/{name}:{r.randint(1, 99)}
          resources:
            requests:
              cpu: {r.choice(("100m", "250m", "1"))}
              memory: {r.choice(("128Mi", "512Mi", "2Gi"))}
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  selector:
    app: {name}
  ports:
    - port: 80
      targetPort: 8080
"""


class Writer:
    def __init__(self, root: Path, limit: int) -> None:
        self.root = root
        self.limit = limit
        self.count = 0

    @property
    def full(self) -> bool:
        return self.count >= self.limit

    def write(self, rel: str, text: str) -> bool:
        if self.full:
            return False
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        self.count += 1
        return True


def _root_module(
    w: Writer, r: random.Random, rel: str, n_files: int, eks_index: int | None, *, registry: bool = False
) -> None:
    team = r.choice(TEAMS)
    files = _common_files(r, team, r.choice(ENVS))
    if eks_index is not None:
        files.update(_eks_module(r, eks_index))
    if registry:
        files["modules.tf"] = _registry_call(r)
    k = 0
    while len(files) < n_files:
        gen = FILLERS[(k + r.randint(0, 5)) % len(FILLERS)]
        files[f"{gen.__name__.strip('_')}_{k}.tf"] = gen(r, f"{gen.__name__.strip('_')}{k}")
        k += 1
    for name, text in files.items():
        w.write(f"{rel}/{name}", text)


def generate(out: Path, files: int, seed: int, *, single_module: bool = False, registry: bool = False) -> int:
    r = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    w = Writer(out, files)
    if single_module:
        _root_module(w, r, ".", files, eks_index=0)
        return w.count
    # Side files first so every size has them: ~3% CloudFormation, ~1% eksctl, ~2% manifests.
    n_cfn = max(2, files * 3 // 100)
    for j in range(n_cfn):
        if j % 5 == 0:
            text = (FIXTURES / CFN_EKS[j % len(CFN_EKS)]).read_text()
            w.write(f"cloudformation/eks-{j}/template.yaml", text)
        else:
            w.write(f"cloudformation/stack-{j}/template.json", _cfn_plain(r, f"stack{j}"))
    for j in range(max(1, files // 100)):
        w.write(f"eksctl/cluster-{j}.yaml", (FIXTURES / EKSCTL[j % len(EKSCTL)]).read_text())
    for j in range(max(1, files // 50)):
        w.write(f"k8s/apps/app-{j}.yaml", _k8s_manifest(r, f"app{j}"))
    w.write("README.md", "# infrastructure monorepo (synthetic, for eks-ip-lint benchmarks)\n")
    # Root modules: teams/<team>/<env>/<service>, 4-12 files each, one in eight with EKS.
    i = 0
    while not w.full:
        team, env = TEAMS[i % len(TEAMS)], ENVS[(i // len(TEAMS)) % len(ENVS)]
        eks = i // 8 if i % 8 == 3 else None
        _root_module(w, r, f"teams/{team}/{env}/svc-{i:04d}", r.randint(4, 12), eks, registry=registry)
        i += 1
    return w.count


# name: (files, one module only, every root calls a registry module)
PRESETS = {
    "module20": (20, True, False),
    "monorepo2000": (2000, False, False),
    "modules2000": (2000, False, True),
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--preset", choices=sorted(PRESETS))
    p.add_argument("--files", type=int, help="number of files (default: from the preset)")
    p.add_argument("--seed", type=int, default=6)
    ns = p.parse_args(argv)
    files, single, registry = PRESETS.get(ns.preset or "", (ns.files or 2000, False, False))
    if ns.files:
        files = ns.files
    written = generate(ns.out, files, ns.seed, single_module=single, registry=registry)
    print(f"wrote {written} files under {ns.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
