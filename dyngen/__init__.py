"""dyngen: Terraform for Amazon DynamoDB tables, generated from short YAML specs."""
