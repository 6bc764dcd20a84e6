# API Gateway (REST v1 and HTTP/WebSocket v2): access logging, tracing, authorisation, TLS,
# endpoint type, execution logging, cache encryption.
package tfo.rules.apigateway

import data.tfo.lib

metadata := {
	"TFO-APIGATEWAY-001": {
		"title": "API Gateway REST stage without access logging",
		"severity": "medium",
		"cis": null,
		"profile": "strict",
		"remediation": "Add access_log_settings { destination_arn = <log group ARN>, format = ... } to the aws_api_gateway_stage.",
	},
	"TFO-APIGATEWAY-002": {
		"title": "API Gateway REST stage without X-Ray tracing",
		"severity": "low",
		"cis": null,
		"profile": "strict",
		"remediation": "Set xray_tracing_enabled = true on the aws_api_gateway_stage.",
	},
	"TFO-APIGATEWAY-003": {
		"title": "API Gateway method without authorization",
		"severity": "high",
		"cis": null,
		"profile": "baseline",
		"remediation": "Set authorization to AWS_IAM, CUSTOM or COGNITO_USER_POOLS (with authorizer_id), or require an API key (api_key_required = true). OPTIONS (CORS preflight) methods are exempt.",
	},
	"TFO-APIGATEWAY-004": {
		"title": "API Gateway custom domain allows TLS older than 1.2",
		"severity": "medium",
		"cis": null,
		"profile": "baseline",
		"remediation": "Set security_policy = \"TLS_1_2\" on the aws_api_gateway_domain_name.",
	},
	"TFO-APIGATEWAY-005": {
		"title": "API Gateway v2 (HTTP/WebSocket) stage without access logging",
		"severity": "medium",
		"cis": null,
		"profile": "strict",
		"remediation": "Add access_log_settings { destination_arn = <log group ARN>, format = ... } to the aws_apigatewayv2_stage.",
	},
	"TFO-APIGATEWAY-006": {
		"title": "API Gateway v2 route without authorization",
		"severity": "high",
		"cis": null,
		"profile": "baseline",
		"remediation": "Set authorization_type to AWS_IAM, JWT or CUSTOM (with authorizer_id) on the aws_apigatewayv2_route, or require an API key (WebSocket). OPTIONS routes are exempt.",
	},
	"TFO-APIGATEWAY-007": {
		"title": "API Gateway REST API uses an edge-optimized endpoint",
		"severity": "low",
		"cis": null,
		"profile": "strict",
		"remediation": "Prefer endpoint_configuration { types = [\"REGIONAL\"] } (behind your own CloudFront/WAF) or [\"PRIVATE\"] for internal APIs.",
	},
	"TFO-APIGATEWAY-008": {
		"title": "API Gateway execution logging is off",
		"severity": "low",
		"cis": null,
		"profile": "strict",
		"remediation": "Set settings.logging_level = \"ERROR\" or \"INFO\" in aws_api_gateway_method_settings.",
	},
	"TFO-APIGATEWAY-009": {
		"title": "API Gateway logs full requests and responses (data trace)",
		"severity": "medium",
		"cis": null,
		"profile": "baseline",
		"remediation": "Set settings.data_trace_enabled = false: full request/response logging can write credentials and personal data to CloudWatch Logs.",
	},
	"TFO-APIGATEWAY-010": {
		"title": "API Gateway cache not encrypted",
		"severity": "medium",
		"cis": null,
		"profile": "baseline",
		"remediation": "Set settings.cache_data_encrypted = true wherever settings.caching_enabled = true.",
	},
}

# --- 001 / 002 REST stages --------------------------------------------------------------------

rest_stages := lib.configured("aws_api_gateway_stage")

access_logs(s) if {
	some a in lib.get(s, "access_log_settings", [])
	object.get(a, "destination_arn", "") != ""
}

access_logs(s) if {
	some i, _ in lib.get(s, "access_log_settings", [])
	sprintf("access_log_settings.%d.destination_arn", [i]) in s.unknown
}

deny contains lib.finding("TFO-APIGATEWAY-001", s.address, "access_log_settings is not set: requests to this stage are not logged") if {
	lib.on(metadata, "TFO-APIGATEWAY-001", false)
	some s in rest_stages
	not access_logs(s)
	not lib.unknown_value(s, "access_log_settings")
}

warn contains lib.finding("TFO-APIGATEWAY-002", s.address, "xray_tracing_enabled is not true") if {
	lib.on(metadata, "TFO-APIGATEWAY-002", false)
	some s in rest_stages
	lib.get(s, "xray_tracing_enabled", false) != true
	not lib.unknown_value(s, "xray_tracing_enabled")
}

# --- 003 REST methods -------------------------------------------------------------------------

deny contains lib.finding("TFO-APIGATEWAY-003", m.address, sprintf("%s method has authorization NONE and no API key requirement", [upper(lib.get(m, "http_method", ""))])) if {
	lib.on(metadata, "TFO-APIGATEWAY-003", false)
	some m in lib.configured("aws_api_gateway_method")
	upper(lib.get(m, "authorization", "")) == "NONE"
	upper(lib.get(m, "http_method", "")) != "OPTIONS"
	lib.get(m, "api_key_required", false) != true
	not lib.unknown_value(m, "api_key_required")
}

warn contains lib.unknown_finding("TFO-APIGATEWAY-003", m.address, "authorization") if {
	lib.on(metadata, "TFO-APIGATEWAY-003", false)
	some m in lib.configured("aws_api_gateway_method")
	lib.unknown_value(m, "authorization")
}

# --- 004 custom domain TLS --------------------------------------------------------------------

deny contains lib.finding("TFO-APIGATEWAY-004", d.address, "security_policy is not TLS_1_2") if {
	lib.on(metadata, "TFO-APIGATEWAY-004", false)
	some d in lib.configured("aws_api_gateway_domain_name")
	not lib.unknown_value(d, "security_policy")
	not startswith(upper(lib.get(d, "security_policy", "TLS_1_0")), "TLS_1_2")
	not startswith(upper(lib.get(d, "security_policy", "TLS_1_0")), "SECURITYPOLICY_TLS13")
}

warn contains lib.unknown_finding("TFO-APIGATEWAY-004", d.address, "security_policy") if {
	lib.on(metadata, "TFO-APIGATEWAY-004", false)
	some d in lib.configured("aws_api_gateway_domain_name")
	lib.unknown_value(d, "security_policy")
}

# --- 005 / 006 API Gateway v2 -----------------------------------------------------------------

deny contains lib.finding("TFO-APIGATEWAY-005", s.address, "access_log_settings is not set: requests to this stage are not logged") if {
	lib.on(metadata, "TFO-APIGATEWAY-005", false)
	some s in lib.configured("aws_apigatewayv2_stage")
	not access_logs(s)
	not lib.unknown_value(s, "access_log_settings")
}

deny contains lib.finding("TFO-APIGATEWAY-006", r.address, "authorization_type is NONE: the route is open to anyone") if {
	lib.on(metadata, "TFO-APIGATEWAY-006", false)
	some r in lib.configured("aws_apigatewayv2_route")
	upper(lib.get(r, "authorization_type", "NONE")) == "NONE"
	not lib.unknown_value(r, "authorization_type")
	not startswith(upper(lib.get(r, "route_key", "")), "OPTIONS ")
	lib.get(r, "api_key_required", false) != true
}

# --- 007 edge-optimized REST APIs -------------------------------------------------------------

warn contains lib.finding("TFO-APIGATEWAY-007", a.address, "endpoint type is EDGE") if {
	lib.on(metadata, "TFO-APIGATEWAY-007", false)
	some a in lib.configured("aws_api_gateway_rest_api")
	some e in lib.get(a, "endpoint_configuration", [])
	"EDGE" in object.get(e, "types", [])
}

# Without endpoint_configuration the API is created edge-optimized.
warn contains lib.finding("TFO-APIGATEWAY-007", a.address, "endpoint_configuration is not set: the API is created edge-optimized") if {
	lib.on(metadata, "TFO-APIGATEWAY-007", false)
	some a in lib.configured("aws_api_gateway_rest_api")
	count(lib.get(a, "endpoint_configuration", [])) == 0
	lib.get(a, "body", null) == null
}

# --- 008 / 009 / 010 method settings ----------------------------------------------------------

method_settings := [[r, s] |
	some r in lib.configured("aws_api_gateway_method_settings")
	some s in lib.get(r, "settings", [])
]

warn contains lib.finding("TFO-APIGATEWAY-008", r.address, sprintf("settings.logging_level is OFF for %s", [lib.get(r, "method_path", "")])) if {
	lib.on(metadata, "TFO-APIGATEWAY-008", false)
	some [r, s] in method_settings
	upper(object.get(s, "logging_level", "OFF")) == "OFF"
	not "settings.0.logging_level" in r.unknown
}

warn contains lib.finding("TFO-APIGATEWAY-009", r.address, sprintf("settings.data_trace_enabled is true for %s: full requests and responses are logged", [lib.get(r, "method_path", "")])) if {
	lib.on(metadata, "TFO-APIGATEWAY-009", false)
	some [r, s] in method_settings
	object.get(s, "data_trace_enabled", false) == true
}

deny contains lib.finding("TFO-APIGATEWAY-010", r.address, sprintf("settings.caching_enabled is true and cache_data_encrypted is not, for %s", [lib.get(r, "method_path", "")])) if {
	lib.on(metadata, "TFO-APIGATEWAY-010", false)
	some [r, s] in method_settings
	object.get(s, "caching_enabled", false) == true
	object.get(s, "cache_data_encrypted", false) != true
	not "settings.0.cache_data_encrypted" in r.unknown
}
