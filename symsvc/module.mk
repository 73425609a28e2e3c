$(eval $(call ktstr_prog,ktstr-symsvc,symsvc,$(HOST_LIBS)))
