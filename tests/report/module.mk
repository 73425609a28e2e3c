# ktstr-report's pieces, unit-tested through its private archive.
$(eval $(call ktstr_tests,tests/report,$(REPORT_LIB)))
$(filter $(TESTBIN)/report/%,$(TESTS)): $(REPORT_LIB)
$(OBJ)/tests/report/%.o: CFLAGS += -Itools/report
