package tfo.rules.golden_test

import data.tfo.rules.golden

denied(id, fixture) := {f.resource | some f in golden.deny with input as fixture; f.id == id}

warned(id, fixture) := {f.resource | some f in golden.warn with input as fixture; f.id == id}

# Every offline deployment except marketing-site passes every golden deny rule.
offline_compliant := [
	data.testdata.golden.offline_dev_app_assets,
	data.testdata.golden.offline_dev_app_keys,
	data.testdata.golden.offline_dev_ci_roles,
	data.testdata.golden.offline_dev_data_lake,
	data.testdata.golden.offline_dev_image_resizer,
	data.testdata.golden.offline_prod_break_glass,
	data.testdata.golden.offline_prod_db_backups,
	data.testdata.golden.offline_prod_platform_keys,
	data.testdata.golden.offline_prod_report_generator,
	data.testdata.golden.offline_stage_app_roles,
	data.testdata.golden.offline_stage_orders_api,
	data.testdata.golden.offline_stage_payments_keys,
	data.testdata.golden.offline_stage_web_logs,
]

aws_compliant := [
	data.testdata.golden.aws_dev_order_events,
	data.testdata.golden.aws_prod_orders,
	data.testdata.golden.aws_stage_sessions,
]

test_offline_deployments_pass_every_deny_rule if {
	every fixture in offline_compliant {
		count(golden.deny) == 0 with input as fixture
	}
}

test_aws_deployments_pass_every_rule if {
	every fixture in aws_compliant {
		count(golden.deny) == 0 with input as fixture
		count(golden.warn) == 0 with input as fixture
	}
}

test_offline_warnings_are_the_expected_ones if {
	warned("TFO-GOLDEN-008", data.testdata.golden.offline_prod_break_glass) == {`var.iam_roles["break-glass-admin"]`}
	warned("TFO-GOLDEN-011", data.testdata.golden.offline_dev_image_resizer) == {`var.lambda_functions["image-resizer"]`}
	warned("TFO-GOLDEN-011", data.testdata.golden.offline_prod_report_generator) == {`var.lambda_functions["report-notifier"]`}
	every fixture in offline_compliant {
		ids := {f.id | some f in golden.warn with input as fixture}
		ids - {"TFO-GOLDEN-008", "TFO-GOLDEN-011"} == set()
	}
}

test_marketing_site_is_blocked if {
	findings := golden.deny with input as data.testdata.golden.offline_stage_marketing_site
	{[f.id, f.resource] | some f in findings} == {
		["TFO-GOLDEN-003", `var.s3_buckets["site"]`],
		["TFO-GOLDEN-004", `var.s3_buckets["site"]`],
	}
}

test_aws_public_site_is_blocked if {
	findings := golden.deny with input as data.testdata.golden.aws_stage_public_site
	{[f.id, f.resource] | some f in findings} == {
		["TFO-GOLDEN-003", `var.s3_buckets["site"]`],
		["TFO-GOLDEN-005", `var.s3_buckets["site"]`],
	}
}

v := data.testdata.golden.offline_violations

aws_v := data.testdata.golden.aws_violations

test_001_versioning_off if denied("TFO-GOLDEN-001", v) == {`var.s3_buckets["unversioned"]`}

test_001_versioning_default if count(denied("TFO-GOLDEN-001", data.testdata.golden.offline_dev_app_assets)) == 0

test_002_no_encryption if denied("TFO-GOLDEN-002", v) == {`var.s3_buckets["unversioned"]`}

test_002_kms_and_aes256 if {
	count(denied("TFO-GOLDEN-002", data.testdata.golden.offline_dev_app_assets)) == 0
	count(denied("TFO-GOLDEN-002", data.testdata.golden.offline_stage_web_logs)) == 0
}

test_003_no_public_access_block if denied("TFO-GOLDEN-003", data.testdata.golden.offline_stage_marketing_site) == {`var.s3_buckets["site"]`}

test_003_public_access_block_default if count(denied("TFO-GOLDEN-003", v)) == 0

test_004_public_read if denied("TFO-GOLDEN-004", data.testdata.golden.offline_stage_marketing_site) == {`var.s3_buckets["site"]`}

test_004_private if count(denied("TFO-GOLDEN-004", data.testdata.golden.offline_dev_app_assets)) == 0

test_005_policy_statement_to_anyone if denied("TFO-GOLDEN-005", aws_v) == {`var.s3_buckets["open"]`}

test_005_no_open_statement if count(denied("TFO-GOLDEN-005", data.testdata.golden.offline_stage_marketing_site)) == 0

test_005_wildcard_identifier if {
	vars := {"s3_buckets": {"b": {"bucket_name": "x", "policy_statements": [{"sid": "s", "principal_identifiers": ["*"], "actions": ["s3:GetObject"]}]}}}
	denied("TFO-GOLDEN-005", {"variables": vars}) == {`var.s3_buckets["b"]`}
}

test_006_symmetric_key_without_rotation if denied("TFO-GOLDEN-006", v) == {`var.kms_keys["norotate"]`}

test_006_signing_key_exempt if count(denied("TFO-GOLDEN-006", data.testdata.golden.offline_stage_payments_keys)) == 0

test_007_trusts_anyone if denied("TFO-GOLDEN-007", v) == {`var.iam_roles["anyone"]`}

test_007_explicit_trust if {
	count(denied("TFO-GOLDEN-007", data.testdata.golden.offline_dev_ci_roles)) == 0
	count(denied("TFO-GOLDEN-007", data.testdata.golden.offline_stage_app_roles)) == 0
}

test_008_administrator_access if warned("TFO-GOLDEN-008", v) == {`var.iam_roles["anyone"]`}

test_008_power_user_is_not_admin if count(warned("TFO-GOLDEN-008", data.testdata.golden.offline_dev_ci_roles)) == 0

test_009_inline_star_star if denied("TFO-GOLDEN-009", v) == {`var.iam_roles["anyone"]`}

test_009_scoped_inline_policies if count(denied("TFO-GOLDEN-009", data.testdata.golden.offline_stage_app_roles)) == 0

test_009_aws_example_shape if {
	vars := {"iam_roles": {"r": {"inline_policies": {"p": [{"actions": ["*"], "resources": ["*"]}]}}}}
	denied("TFO-GOLDEN-009", {"variables": vars}) == {`var.iam_roles["r"]`}
}

test_010_deprecated_runtimes if denied("TFO-GOLDEN-010", v) == {`var.lambda_functions["old-node"]`, `var.lambda_functions["old-python"]`}

test_010_supported_runtimes if count(denied("TFO-GOLDEN-010", data.testdata.golden.offline_stage_orders_api)) == 0

test_010_list_from_options if {
	d := denied("TFO-GOLDEN-010", data.testdata.golden.offline_dev_image_resizer) with data.tfo_options as {"lambda_deprecated_runtimes": ["nodejs20.x"]}
	d == {`var.lambda_functions["image-resizer"]`}
}

test_011_deprecating_runtime if warned("TFO-GOLDEN-011", data.testdata.golden.offline_dev_image_resizer) == {`var.lambda_functions["image-resizer"]`}

test_011_current_runtime if count(warned("TFO-GOLDEN-011", data.testdata.golden.offline_stage_orders_api)) == 0

test_011_list_from_options if {
	w := warned("TFO-GOLDEN-011", data.testdata.golden.offline_dev_image_resizer) with data.tfo_options as {"lambda_deprecating_runtimes": []}
	count(w) == 0
}

test_012_missing_tags if {
	denied("TFO-GOLDEN-012", v) == {`var.lambda_functions["old-node"]`, `var.kms_keys["norotate"]`}
	denied("TFO-GOLDEN-012", aws_v) == {`var.sqs_queues["untagged"]`}
}

test_012_all_tags if count(denied("TFO-GOLDEN-012", data.testdata.golden.offline_dev_app_keys)) == 0

test_012_any_map_variable_with_tags if {
	fixture := object.union(data.testdata.golden.offline_dev_app_keys, {"variables": {"ecr_repositories": {"web": {"tags": {"Owner": "a"}}}}})
	denied("TFO-GOLDEN-012", fixture) == {`var.ecr_repositories["web"]`}
}

test_013_environment_value if denied("TFO-GOLDEN-013", v) == {`var.s3_buckets["unversioned"]`}

test_013_known_environments if count(denied("TFO-GOLDEN-013", data.testdata.golden.offline_prod_db_backups)) == 0

test_014_cost_center_format if denied("TFO-GOLDEN-014", v) == {`var.s3_buckets["unversioned"]`}

test_014_cost_center_ok if {
	count(denied("TFO-GOLDEN-014", data.testdata.golden.offline_stage_web_logs)) == 0
	golden.cost_center_ok("CC-0042")
	not golden.cost_center_ok("CC-12a4")
	not golden.cost_center_ok("CC-12345")
	not golden.cost_center_ok("cc-1234")
}

test_015_environment_differs_from_account if warned("TFO-GOLDEN-015", v) == {`var.kms_keys["norotate"]`}

test_015_environment_matches_account if count(warned("TFO-GOLDEN-015", data.testdata.golden.offline_prod_platform_keys)) == 0

test_016_dynamodb_without_pitr if denied("TFO-GOLDEN-016", aws_v) == {`var.dynamodb_tables["nopitr"]`}

test_016_dynamodb_pitr_default if count(denied("TFO-GOLDEN-016", data.testdata.golden.aws_stage_sessions)) == 0

test_every_finding_has_metadata if {
	every fixture in [v, aws_v, data.testdata.golden.offline_stage_marketing_site] {
		findings := golden.deny | golden.warn with input as fixture
		every f in findings {
			golden.metadata[f.id]
		}
	}
}

test_messages_do_not_echo_tag_values if {
	findings := golden.deny | golden.warn with input as v
	every f in findings {
		not contains(f.message, "development")
		not contains(f.message, "qa@acme.example")
	}
}
