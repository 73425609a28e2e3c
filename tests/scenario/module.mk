# tests/scenario: TAP programs for topology, cpusets, the scenario parser,
# the catalog and the verdict math; cli.t drives ktstr-scenario.
$(eval $(call ktstr_tests,tests/scenario))
