# tests/wire: TAP programs for frames, the guest rings and the snapshot contracts.
$(eval $(call ktstr_tests,tests/wire))
