# ACME's naming convention, compiled beside the first-party policies.
package tfo.rules.acme_naming

import data.tfo.lib

metadata := {"ACME-NAME-001": {
	"title": "S3 bucket name outside the ACME naming convention",
	"severity": "medium",
	"remediation": "Name the bucket acme-<account_key>-<purpose>-<region_code>, e.g. acme-dev-app-assets-use1.",
	"profile": "baseline",
}}

deny contains lib.finding("ACME-NAME-001", sprintf("var.s3_buckets[\"%s\"]", [key]), msg) if {
	lib.on(metadata, "ACME-NAME-001", false)
	prefix := sprintf("acme-%s-", [input.variables.account_key])
	some key, bucket in input.variables.s3_buckets
	not startswith(bucket.bucket_name, prefix)
	msg := sprintf("bucket name %s does not start with %s", [bucket.bucket_name, prefix])
}
