# ktstr-scenario: list, check, show and locate scenario files.
$(eval $(call ktstr_prog,ktstr-scenario,tools/scenario,))

# The catalog is data: install it where ktstr-scenario looks for it
# (PREFIX/share/ktstr/scenarios, found relative to PREFIX/libexec/ktstr).
install: install-scenarios
install-scenarios:
	install -d $(DESTDIR)$(PREFIX)/share/ktstr/scenarios
	install -m 0644 $(wildcard scenarios/*.ktstr) $(DESTDIR)$(PREFIX)/share/ktstr/scenarios/
.PHONY: install-scenarios
