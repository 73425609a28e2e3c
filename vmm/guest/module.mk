# vmm/guest: ktstr-init, the guest PID 1.  Linked -static (the initramfs
# carries no libc for it) against the plain-C parts of libktstr (gring,
# frame, scenario, cpuset, topology) and zlib for CRC-32.  Under
# SANITIZE=1 it is linked dynamically (ASan cannot link -static); that
# build is for the host-side tests only and never goes into a VM.
ifeq ($(SANITIZE),1)
KTSTR_INIT_LDFLAGS :=
else
KTSTR_INIT_LDFLAGS := -static
endif
$(eval $(call ktstr_prog,ktstr-init,vmm/guest,-lz,$(KTSTR_INIT_LDFLAGS)))
