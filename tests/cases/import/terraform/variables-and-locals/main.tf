variable "environment" {
  type    = string
  default = "staging"
}

variable "read_capacity" {
  type    = number
  default = 12
}

variable "tags" {
  type = map(string)
  default = {
    Team = "growth"
  }
}

locals {
  table_name = "carts-${var.environment}"
  class      = "STANDARD"
  ttl        = { enabled = true, attribute = "expires_at" }
}

provider "aws" {
  region = "us-west-2"
}

resource "aws_dynamodb_table" "carts" {
  name           = local.table_name
  billing_mode   = "PROVISIONED"
  read_capacity  = var.read_capacity
  write_capacity = 4
  hash_key       = "cart_id"
  table_class    = local.class

  attribute {
    name = "cart_id"
    type = "S"
  }

  ttl {
    enabled        = local.ttl.enabled
    attribute_name = local.ttl.attribute
  }

  point_in_time_recovery {
    enabled = false
  }

  tags = var.tags
}
