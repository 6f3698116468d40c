"""eks-ip-lint: finds EKS clusters that run out of VPC IPs before their node groups reach max size."""

__version__ = "0.1.0"

__all__ = ["__version__"]
