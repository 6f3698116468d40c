"""Terraform: evaluate HCL modules the way `terraform plan` would, as far as a static reading allows."""
