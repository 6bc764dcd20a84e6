# IAM: roles, their inline policies and managed policy attachments.

locals {
  iam_inline_policies = merge([
    for role, r in var.iam_roles : {
      for pname, statements in r.inline_policies : "${role}/${pname}" => {
        role = role
        name = pname
        policy = jsonencode({
          Version = "2012-10-17"
          Statement = [for s in statements : merge(
            s.sid == null ? {} : { Sid = s.sid },
            { Effect = s.effect, Action = s.actions, Resource = s.resources },
          )]
        })
      }
    }
  ]...)

  iam_attachments = merge([
    for role, r in var.iam_roles : {
      for arn in r.managed_policy_arns : "${role}/${arn}" => { role = role, policy_arn = arn }
    }
  ]...)
}

resource "aws_iam_role" "this" {
  for_each = var.iam_roles

  name                 = each.key
  path                 = each.value.path
  description          = each.value.description
  max_session_duration = each.value.max_session_duration
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      length(each.value.trust_services) > 0 ? [{
        Sid       = "TrustServices"
        Effect    = "Allow"
        Principal = { Service = each.value.trust_services }
        Action    = "sts:AssumeRole"
      }] : [],
      length(each.value.trust_accounts) > 0 ? [{
        Sid       = "TrustAccounts"
        Effect    = "Allow"
        Principal = { AWS = [for a in each.value.trust_accounts : "arn:${local.partition}:iam::${a}:root"] }
        Action    = "sts:AssumeRole"
      }] : [],
    )
  })
  tags = each.value.tags
}

resource "aws_iam_role_policy" "this" {
  for_each = local.iam_inline_policies

  name   = each.value.name
  role   = aws_iam_role.this[each.value.role].id
  policy = each.value.policy
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each = local.iam_attachments

  role       = aws_iam_role.this[each.value.role].name
  policy_arn = each.value.policy_arn
}
