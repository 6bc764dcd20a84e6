# Golden-template violations for examples/offline/modules/root: one (or a few) per rule, next
# to entries that comply. Planned by ../generate.sh into packages/plugin-opa/policies/golden/testdata.
account_key = "dev"
region_code = "use1"

s3_buckets = {
  "good" = {
    bucket_name = "acme-dev-fx-good-use1"
    tags = {
      Owner       = "qa@acme.example"
      Team        = "qa"
      Environment = "dev"
      CostCenter  = "CC-1234"
    }
  }
  "unversioned" = {
    bucket_name   = "acme-dev-fx-unversioned-use1"
    versioning    = false
    sse_algorithm = ""
    tags = {
      Owner       = "qa@acme.example"
      Team        = "qa"
      Environment = "development"
      CostCenter  = "1234"
    }
  }
}

kms_keys = {
  "norotate" = {
    description         = "Symmetric key without rotation"
    alias               = "acme-dev-fx-norotate"
    enable_key_rotation = false
    tags = {
      Owner       = "qa@acme.example"
      Team        = ""
      Environment = "prod"
      CostCenter  = "CC-1234"
    }
  }
  "signing" = {
    description         = "Asymmetric signing key: rotation does not apply"
    alias               = "acme-dev-fx-signing"
    key_usage           = "SIGN_VERIFY"
    enable_key_rotation = false
    tags = {
      Owner       = "qa@acme.example"
      Team        = "qa"
      Environment = "dev"
      CostCenter  = "CC-1234"
    }
  }
}

iam_roles = {
  "anyone" = {
    trust_accounts      = ["*"]
    managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
    inline_policies = {
      "everything" = {
        actions   = ["*"]
        resources = ["*"]
      }
    }
    tags = {
      Owner       = "qa@acme.example"
      Team        = "qa"
      Environment = "dev"
      CostCenter  = "CC-1234"
    }
  }
}

lambda_functions = {
  "old-node" = {
    runtime = "nodejs16.x"
    handler = "index.handler"
  }
  "old-python" = {
    runtime = "python3.8"
    handler = "app.handler"
    tags = {
      Owner       = "qa@acme.example"
      Team        = "qa"
      Environment = "dev"
      CostCenter  = "CC-1234"
    }
  }
}
