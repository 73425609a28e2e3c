# ktstr-initramfs: the guest initramfs builder (cpio newc + gzip via zlib).
$(eval $(call ktstr_prog,ktstr-initramfs,tools/initramfs,-lelf -lz))
