# Golden-template violations for examples/aws/modules/root: a bucket policy statement open to
# everyone, a table without point-in-time recovery, a queue and topic without tags.
account_key = "dev"
region_code = "use1"

s3_buckets = {
  "open" = {
    bucket_name   = "acme-dev-fx-open-use1"
    sse_algorithm = "AES256"
    policy_statements = [
      {
        sid            = "AnyoneLists"
        principal_type = "*"
        actions        = ["s3:ListBucket"]
        resources      = ["arn:aws:s3:::acme-dev-fx-open-use1"]
      },
    ]
    tags = {
      Owner       = "qa@acme.example"
      Team        = "qa"
      Environment = "dev"
      CostCenter  = "CC-1234"
    }
  }
}

dynamodb_tables = {
  "nopitr" = {
    name                   = "acme-dev-fx-nopitr"
    hash_key               = "pk"
    attributes             = { pk = "S" }
    point_in_time_recovery = false
    tags = {
      Owner       = "qa@acme.example"
      Team        = "qa"
      Environment = "dev"
      CostCenter  = "CC-1234"
    }
  }
}

sqs_queues = {
  "untagged" = {
    name = "acme-dev-fx-untagged"
  }
}
