package tfo.rules.acme_naming_test

import data.tfo.rules.acme_naming

deployment(name) := {"variables": {"account_key": "dev", "s3_buckets": {"assets": {"bucket_name": name}}}}

test_a_bucket_named_by_the_convention_passes if {
	count(acme_naming.deny) == 0 with input as deployment("acme-dev-app-assets-use1")
}

test_a_bucket_of_another_account_or_no_prefix_is_denied if {
	some f in acme_naming.deny with input as deployment("acme-prod-app-assets-use1")
	f.id == "ACME-NAME-001"
	f.resource == `var.s3_buckets["assets"]`
	every name in ["scratch-uploads", "acme-dev"] {
		count(acme_naming.deny) == 1 with input as deployment(name)
	}
}
