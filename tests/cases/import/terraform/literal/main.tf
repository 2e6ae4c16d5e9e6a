provider "aws" {
  region = "eu-west-1"
}

resource "aws_dynamodb_table" "audit" {
  name                        = "audit-log"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "stream_id"
  range_key                   = "sequence"
  table_class                 = "STANDARD_INFREQUENT_ACCESS"
  deletion_protection_enabled = true
  stream_enabled              = true
  stream_view_type            = "NEW_AND_OLD_IMAGES"

  attribute {
    name = "stream_id"
    type = "S"
  }

  attribute {
    name = "sequence"
    type = "N"
  }

  attribute {
    name = "actor"
    type = "S"
  }

  global_secondary_index {
    name               = "ByActor"
    hash_key           = "actor"
    range_key          = "sequence"
    projection_type    = "INCLUDE"
    non_key_attributes = ["action", "target"]
  }

  local_secondary_index {
    name            = "ByActorLocal"
    range_key       = "actor"
    projection_type = "KEYS_ONLY"
  }

  ttl {
    enabled        = true
    attribute_name = "expires_at"
  }

  point_in_time_recovery {
    enabled                 = true
    recovery_period_in_days = 10
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  on_demand_throughput {
    max_read_request_units  = 2000
    max_write_request_units = 500
  }

  replica {
    region_name            = "eu-central-1"
    kms_key_arn            = "arn:aws:kms:eu-central-1:123456789012:key/2234abcd-12ab-34cd-56ef-1234567890ab"
    point_in_time_recovery = true
    propagate_tags         = true
  }

  tags = {
    Team = "security"
  }
}
