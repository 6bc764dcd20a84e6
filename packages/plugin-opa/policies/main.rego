# Entry points of the compiled bundle: every rules package's findings and metadata.
package tfo.main

deny contains finding if {
	some pkg
	some finding in data.tfo.rules[pkg].deny
}

warn contains finding if {
	some pkg
	some finding in data.tfo.rules[pkg].warn
}

# Both sets in one evaluation (the input is copied into wasm memory once).
result := {"deny": deny, "warn": warn}

metadata[id] := meta if {
	some pkg
	some id, meta in data.tfo.rules[pkg].metadata
}
