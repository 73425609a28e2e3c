# VM boot benchmark: ktstr-vmm and `ktstr run` against plain QEMU.
BENCH_VM_INIT := $(BUILD)/bench/vm/poweroff-init
$(BENCH_VM_INIT): bench/vm/poweroff-init.c
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -Wextra -Werror -static -o $@ $<
all: $(BENCH_VM_INIT)
BENCHES += bench/vm/boot.sh
