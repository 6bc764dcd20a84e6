package tfo.rules.apigateway_test

import data.tfo.rules.apigateway

denied(id, fixture) := {f.resource | some f in apigateway.deny with input as fixture; f.id == id}

warned(id, fixture) := {f.resource | some f in apigateway.warn with input as fixture; f.id == id; not f.unknown}

unknown(id, fixture) := {f.resource | some f in apigateway.warn with input as fixture; f.id == id; f.unknown}

test_compliant_has_no_findings if {
	count(apigateway.deny) == 0 with input as data.testdata.apigateway.compliant
	count(apigateway.warn) == 0 with input as data.testdata.apigateway.compliant
}

test_001_rest_stage_without_access_logs if {
	denied("TFO-APIGATEWAY-001", data.testdata.apigateway.noncompliant) == {"aws_api_gateway_stage.dev"}
}

test_001_rest_stage_with_access_logs if {
	count(denied("TFO-APIGATEWAY-001", data.testdata.apigateway.compliant)) == 0
}

test_001_log_group_created_by_the_same_plan if {
	count(denied("TFO-APIGATEWAY-001", data.testdata.apigateway.unknown)) == 0
}

test_002_no_xray if {
	warned("TFO-APIGATEWAY-002", data.testdata.apigateway.noncompliant) == {"aws_api_gateway_stage.dev"}
}

test_002_xray if {
	count(warned("TFO-APIGATEWAY-002", data.testdata.apigateway.compliant)) == 0
}

test_003_open_method if {
	denied("TFO-APIGATEWAY-003", data.testdata.apigateway.noncompliant) == {"aws_api_gateway_method.get"}
}

test_003_iam_api_key_and_options_pass if {
	count(denied("TFO-APIGATEWAY-003", data.testdata.apigateway.compliant)) == 0
}

test_004_tls_1_0 if {
	denied("TFO-APIGATEWAY-004", data.testdata.apigateway.noncompliant) == {"aws_api_gateway_domain_name.api"}
}

test_004_tls_1_2 if {
	count(denied("TFO-APIGATEWAY-004", data.testdata.apigateway.compliant)) == 0
}

test_004_security_policy_left_to_provider if {
	unknown("TFO-APIGATEWAY-004", data.testdata.apigateway.unknown) == {"aws_api_gateway_domain_name.api"}
	count(denied("TFO-APIGATEWAY-004", data.testdata.apigateway.unknown)) == 0
}

test_005_v2_stage_without_access_logs if {
	denied("TFO-APIGATEWAY-005", data.testdata.apigateway.noncompliant) == {"aws_apigatewayv2_stage.dev"}
}

test_005_v2_stage_with_access_logs if {
	count(denied("TFO-APIGATEWAY-005", data.testdata.apigateway.compliant)) == 0
}

test_006_open_route if {
	denied("TFO-APIGATEWAY-006", data.testdata.apigateway.noncompliant) == {"aws_apigatewayv2_route.get"}
}

test_006_iam_route_and_options_pass if {
	count(denied("TFO-APIGATEWAY-006", data.testdata.apigateway.compliant)) == 0
}

test_007_edge_endpoint if {
	warned("TFO-APIGATEWAY-007", data.testdata.apigateway.noncompliant) == {"aws_api_gateway_rest_api.api"}
}

test_007_default_endpoint_is_edge if {
	warned("TFO-APIGATEWAY-007", data.testdata.apigateway.unknown) == {"aws_api_gateway_rest_api.api"}
}

test_007_regional_endpoint if {
	count(warned("TFO-APIGATEWAY-007", data.testdata.apigateway.compliant)) == 0
}

test_008_logging_off if {
	warned("TFO-APIGATEWAY-008", data.testdata.apigateway.noncompliant) == {"aws_api_gateway_method_settings.all"}
}

test_008_logging_info if {
	count(warned("TFO-APIGATEWAY-008", data.testdata.apigateway.compliant)) == 0
}

test_009_data_trace if {
	warned("TFO-APIGATEWAY-009", data.testdata.apigateway.noncompliant) == {"aws_api_gateway_method_settings.all"}
}

test_009_no_data_trace if {
	count(warned("TFO-APIGATEWAY-009", data.testdata.apigateway.compliant)) == 0
}

test_010_unencrypted_cache if {
	denied("TFO-APIGATEWAY-010", data.testdata.apigateway.noncompliant) == {"aws_api_gateway_method_settings.all"}
}

test_010_encrypted_cache if {
	count(denied("TFO-APIGATEWAY-010", data.testdata.apigateway.compliant)) == 0
}

test_every_finding_has_metadata if {
	every fixture in [data.testdata.apigateway.noncompliant, data.testdata.apigateway.unknown] {
		findings := apigateway.deny | apigateway.warn with input as fixture
		every f in findings {
			apigateway.metadata[f.id]
		}
	}
}

test_profiles if {
	every _, m in apigateway.metadata {
		m.profile in {"baseline", "strict"}
	}
	every id in ["TFO-APIGATEWAY-001", "TFO-APIGATEWAY-002", "TFO-APIGATEWAY-005", "TFO-APIGATEWAY-007", "TFO-APIGATEWAY-008"] {
		apigateway.metadata[id].profile == "strict"
	}
	every id in ["TFO-APIGATEWAY-003", "TFO-APIGATEWAY-004", "TFO-APIGATEWAY-006", "TFO-APIGATEWAY-010"] {
		apigateway.metadata[id].profile == "baseline"
	}
}
