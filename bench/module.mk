# bench: performance programs run by `make bench` (never by `make check`).
# ipc-bench: SPSC shared-memory ring vs pipe, one-way throughput and
# round-trip latency of 64-byte messages between two processes.
BENCH_BIN := $(BUILD)/bench
$(BENCH_BIN)/ipc-bench: $(OBJ)/bench/ipc_bench.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(HOST_LIBS)
BENCHES += $(BENCH_BIN)/ipc-bench
