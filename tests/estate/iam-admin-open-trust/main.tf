# Insecure: a role any AWS principal can assume (trusted_role_arns = ["*"], no MFA, no
# condition) with AdministratorAccess, and a customer policy allowing every action.

module "break_glass" {
  source = "CORPUS/iam/modules/iam-assumable-role"

  create_role         = true
  role_name           = "estate-break-glass"
  role_requires_mfa   = false
  trusted_role_arns   = ["*"]
  attach_admin_policy = true
}

module "everything" {
  source = "CORPUS/iam/modules/iam-policy"

  name = "estate-everything"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*"
      Resource = "*"
    }]
  })
}
