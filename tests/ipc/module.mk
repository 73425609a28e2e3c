# tests/ipc: SPSC ring, control segment, io_uring event loop.
$(eval $(call ktstr_tests,tests/ipc))
