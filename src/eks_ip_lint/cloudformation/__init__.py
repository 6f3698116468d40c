"""CloudFormation evaluation: intrinsic functions and parameter inputs (no EKS knowledge)."""
