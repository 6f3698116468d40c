# The story from the README: three /22 private subnets, one managed node group of m5.4xlarge
# allowed to grow to 80 nodes, and the VPC CNI left at its defaults (WARM_ENI_TARGET=1).
#
#   eks-ip-lint examples/seed-cluster
#
# reports EKSIP101: each node holds 60 IPs with a single pod on it, so the three subnets
# (1,019 usable IPs each) fit 48 nodes, not 80.

locals {
  name     = "seed"
  vpc_cidr = "10.0.0.0/16"
  azs      = slice(data.aws_availability_zones.available.names, 0, 3)
}

data "aws_availability_zones" "available" {
  state = "available"
}

resource "aws_vpc" "main" {
  cidr_block = local.vpc_cidr
  tags       = { Name = local.name }
}

resource "aws_subnet" "private" {
  count             = length(local.azs)
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(local.vpc_cidr, 6, count.index) # 10.0.0.0/22, 10.0.4.0/22, 10.0.8.0/22
  availability_zone = local.azs[count.index]
  tags              = { Name = "${local.name}-private-${count.index}" }
}

resource "aws_eks_cluster" "seed" {
  name     = local.name
  role_arn = var.cluster_role_arn

  vpc_config {
    subnet_ids = aws_subnet.private[*].id
  }
}

resource "aws_eks_node_group" "workers" {
  cluster_name    = aws_eks_cluster.seed.name
  node_group_name = "workers"
  node_role_arn   = var.node_role_arn
  subnet_ids      = aws_subnet.private[*].id
  instance_types  = ["m5.4xlarge"]

  scaling_config {
    min_size     = 3
    desired_size = 3
    max_size     = var.max_nodes
  }
}
