variable "indexes" {
  default = [
    { name = "ByStatus", hash_key = "status" },
    { name = "ByOwner", hash_key = "owner" },
  ]
}

locals {
  table = "tickets"
}

provider "aws" {
  region = "ap-southeast-2"
}

resource "aws_dynamodb_table" "tickets" {
  name           = local.table
  billing_mode   = "PROVISIONED"
  read_capacity  = 10
  write_capacity = 5
  hash_key       = "ticket_id"

  attribute {
    name = "ticket_id"
    type = "S"
  }

  dynamic "attribute" {
    for_each = var.indexes
    content {
      name = attribute.value.hash_key
      type = "S"
    }
  }

  dynamic "global_secondary_index" {
    for_each = var.indexes
    iterator = index
    content {
      name            = index.value.name
      hash_key        = index.value.hash_key
      projection_type = "ALL"
      read_capacity   = 10
      write_capacity  = 5
    }
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  lifecycle {
    ignore_changes = [read_capacity, write_capacity]
  }
}

resource "aws_appautoscaling_target" "read" {
  service_namespace  = "dynamodb"
  resource_id        = "table/${aws_dynamodb_table.tickets.name}"
  scalable_dimension = "dynamodb:table:ReadCapacityUnits"
  min_capacity       = 10
  max_capacity       = 80
}

resource "aws_appautoscaling_policy" "read" {
  name               = "DynamoDBReadCapacityUtilization:${aws_appautoscaling_target.read.resource_id}"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.read.service_namespace
  resource_id        = aws_appautoscaling_target.read.resource_id
  scalable_dimension = aws_appautoscaling_target.read.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = 65
    scale_in_cooldown  = 90
    scale_out_cooldown = 30

    predefined_metric_specification {
      predefined_metric_type = "DynamoDBReadCapacityUtilization"
    }
  }
}

resource "aws_appautoscaling_target" "write" {
  service_namespace  = "dynamodb"
  resource_id        = "table/tickets"
  scalable_dimension = "dynamodb:table:WriteCapacityUnits"
  min_capacity       = 5
  max_capacity       = 40
}

resource "aws_appautoscaling_policy" "write" {
  name               = "DynamoDBWriteCapacityUtilization:table/tickets"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = "dynamodb"
  resource_id        = aws_appautoscaling_target.write.resource_id
  scalable_dimension = aws_appautoscaling_target.write.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = 60
    scale_in_cooldown  = 90
    scale_out_cooldown = 30

    predefined_metric_specification {
      predefined_metric_type = "DynamoDBWriteCapacityUtilization"
    }
  }
}
