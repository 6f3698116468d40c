variable "cluster_role_arn" {
  type    = string
  default = "arn:aws:iam::111122223333:role/seed-cluster"
}

variable "node_role_arn" {
  type    = string
  default = "arn:aws:iam::111122223333:role/seed-nodes"
}

variable "max_nodes" {
  description = "How far the node group may scale out."
  type        = number
  default     = 80
}
