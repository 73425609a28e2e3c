# tests/util: TAP programs for the JSON writer, logging and the run directory.
$(eval $(call ktstr_tests,tests/util))
