"""Jinja templates of the generated Terraform (installed as dyngen.templates)."""
